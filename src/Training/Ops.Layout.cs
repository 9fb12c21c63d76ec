using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Ops that move elements without computing: permuting axes.</summary>
public static partial class Ops
{
    /// <summary>
    /// x with its axes permuted, copied: output axis i is input axis <paramref name="axes"/>[i] (negative counts from the
    /// end). Its gradient permutes back.
    /// </summary>
    public static Tensor Permute(Tensor x, params int[] axes) =>
        Apply(Graph.Ir.Op.Extension(PermuteOp.Instance, new PermuteAttributes(axes.Select(a => a < 0 ? a + x.Type.Rank : a).ToArray())), x);

    /// <summary>x with its last two axes swapped (a matrix transposed), copied.</summary>
    public static Tensor Transpose(Tensor x)
    {
        int rank = x.Type.Rank;
        if (rank < 2) throw new Trainer.Graph.Ops.OpShapeException($"Transpose: needs at least 2 axes (inputs: {x.Type})");
        var axes = Enumerable.Range(0, rank).ToArray();
        (axes[^1], axes[^2]) = (axes[^2], axes[^1]);
        return Permute(x, axes);
    }
}
