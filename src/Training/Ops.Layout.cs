using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Ops that move elements without computing: permuting axes, slicing, concatenating, one-hot rows.</summary>
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

    /// <summary>
    /// The window of x that starts at <paramref name="begin"/>[k] and holds <paramref name="size"/>[k] elements along each
    /// axis k, copied (MindSpore's <c>ops.slice</c>); a size of -1 reaches to the end of its axis. Its gradient writes dy
    /// into zeros of x's shape.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">begin or size do not have one entry per axis, or the window is not inside x.</exception>
    public static Tensor Slice(Tensor x, int[] begin, int[] size)
    {
        var shape = x.Type.Shape;
        var resolved = size.Select((s, k) => s == -1 && k < shape.Length && k < begin.Length ? shape[k] - begin[k] : s).ToArray();
        return Apply(Graph.Ir.Op.Extension(SliceOp.Instance, new SliceAttributes(begin.ToArray(), resolved, shape.ToArray())), x);
    }

    /// <summary>
    /// <paramref name="tensors"/> joined along <paramref name="axis"/> (negative counts from the end), in order (MindSpore's
    /// <c>ops.concat</c>): each has the same rank and the same size along every other axis. Its gradient slices each
    /// input's part out of dy.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">No tensors, the axis is outside the rank, or the shapes differ off the axis.</exception>
    public static Tensor Concat(Tensor[] tensors, int axis)
    {
        if (tensors.Length == 0) throw new Trainer.Graph.Ops.OpShapeException("Concat: expected at least 1 input, got none");
        int resolved = axis < 0 ? axis + tensors[0].Type.Rank : axis;
        return Apply(Graph.Ir.Op.Extension(ConcatOp.Instance, new AxisAttributes(resolved)), tensors);
    }

    /// <summary>
    /// int32 <paramref name="indices"/> [N] as float32 [N, <paramref name="depth"/>] rows: <paramref name="on"/> at column
    /// indices[r] of row r, <paramref name="off"/> elsewhere; an index outside 0..depth-1 gives a row of
    /// <paramref name="off"/> (MindSpore's <c>ops.one_hot</c>). No gradient flows to the indices.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">The indices are not int32 [N], or depth is below 1.</exception>
    public static Tensor OneHot(Tensor indices, int depth, float on = 1f, float off = 0f) =>
        Apply(Graph.Ir.Op.Extension(OneHotOp.Instance, new OneHotAttributes(depth, on, off)), indices);
}
