using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>
/// Reductions over axes. Axes may be negative (−1 is the last); null means every axis. Each output is one fold in
/// a fixed order, so results do not depend on the device's thread count.
/// </summary>
public static partial class Ops
{
    /// <summary>The sum over <paramref name="axes"/> (all when null); with <paramref name="keepDims"/> they stay as size-1 axes.</summary>
    public static Tensor ReduceSum(Tensor x, int[]? axes = null, bool keepDims = false) => Reduce(ReduceSumOp.Instance, x, axes, keepDims);

    /// <summary>The mean over <paramref name="axes"/> (all when null).</summary>
    public static Tensor ReduceMean(Tensor x, int[]? axes = null, bool keepDims = false) => Reduce(ReduceMeanOp.Instance, x, axes, keepDims);

    /// <summary>The largest element over <paramref name="axes"/> (all when null); the gradient is shared among tied maxima.</summary>
    public static Tensor ReduceMax(Tensor x, int[]? axes = null, bool keepDims = false) => Reduce(ReduceMaxOp.Instance, x, axes, keepDims);

    /// <summary>The int32 index of the first largest element along <paramref name="axis"/>, which the result drops. Not differentiable.</summary>
    public static Tensor ArgMax(Tensor x, int axis) =>
        Apply(Graph.Ir.Op.Extension(ArgMaxOp.Instance, new AxisAttributes(axis < 0 ? axis + x.Type.Rank : axis)), x);

    private static Tensor Reduce(ReducePrimitive definition, Tensor x, int[]? axes, bool keepDims)
    {
        int rank = x.Type.Rank;
        var normal = axes is null
            ? Enumerable.Range(0, rank).ToArray()
            : axes.Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
        return Apply(Graph.Ir.Op.Extension(definition, new ReduceAttributes(normal, keepDims)), x);
    }
}
