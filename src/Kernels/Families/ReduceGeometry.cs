namespace Trainer.Kernels.Families;

/// <summary>
/// How a reduction walks its input: the kept axes (which index the outputs, in order) and the reduced axes
/// (which each output folds over, in row-major order), each with its input stride, after dropping size-1 axes
/// and merging neighbours of the same kind (a sum over the last two axes of [N,C,H,W] keeps [N·C] and folds
/// [H·W], stride 1). Fields rather than arrays so an ILGPU kernel takes it by value.
/// </summary>
public readonly struct ReduceGeometry
{
    /// <summary>The most kept or reduced axes left after merging.</summary>
    public const int MaxRank = AxisInts.Capacity;

    /// <summary>Kept axes after merging.</summary>
    public readonly int KeptRank;
    /// <summary>Reduced axes after merging.</summary>
    public readonly int ReducedRank;
    /// <summary>Outputs.</summary>
    public readonly int OutputCount;
    /// <summary>Elements each output folds.</summary>
    public readonly int ReducedCount;
    private readonly AxisInts keptDims, keptStrides, reducedDims, reducedStrides;

    private ReduceGeometry(List<(int Dim, int Stride)> kept, List<(int Dim, int Stride)> reduced, int outputs, int folded)
    {
        KeptRank = kept.Count;
        ReducedRank = reduced.Count;
        OutputCount = outputs;
        ReducedCount = folded;
        // Axes past the rank are size 1, stride 0.
        static AxisInts Of(List<(int Dim, int Stride)> axes, bool dims) =>
            new(Enumerable.Range(0, AxisInts.Capacity).Select(i => i < axes.Count ? (dims ? axes[i].Dim : axes[i].Stride) : (dims ? 1 : 0)).ToArray());
        keptDims = Of(kept, dims: true);
        keptStrides = Of(kept, dims: false);
        reducedDims = Of(reduced, dims: true);
        reducedStrides = Of(reduced, dims: false);
    }

    private int KeptDim(int axis) => keptDims[axis];
    private int KeptStride(int axis) => keptStrides[axis];
    private int ReducedDim(int axis) => reducedDims[axis];
    private int ReducedStride(int axis) => reducedStrides[axis];

    /// <summary>The innermost reduced axis after merging (1 when nothing is reduced): the folds walk it in runs of this many elements.</summary>
    internal int InnerReducedDim => ReducedRank == 0 ? 1 : ReducedDim(ReducedRank - 1);

    /// <summary>The input stride of <see cref="InnerReducedDim"/> (0 when nothing is reduced).</summary>
    internal int InnerReducedStride => ReducedRank == 0 ? 0 : ReducedStride(ReducedRank - 1);

    /// <summary>The input element where output <paramref name="output"/>'s fold starts.</summary>
    public int Base(int output)
    {
        int offset = 0;
        for (int axis = KeptRank - 1; axis >= 0; axis--)
        {
            int dim = KeptDim(axis);
            offset += output % dim * KeptStride(axis);
            output /= dim;
        }
        return offset;
    }

    /// <summary>The offset, from <see cref="Base"/>, of the <paramref name="step"/>-th element folded (row-major over the reduced axes).</summary>
    public int Step(int step)
    {
        if (ReducedRank == 1) return step * reducedStrides[0];
        int offset = 0;
        for (int axis = ReducedRank - 1; axis >= 0; axis--)
        {
            int dim = ReducedDim(axis);
            offset += step % dim * ReducedStride(axis);
            step /= dim;
        }
        return offset;
    }

    /// <summary>The geometry of reducing <paramref name="shape"/> over <paramref name="axes"/> (sorted, distinct, in range).</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxRank"/> kept or reduced axes remain after merging.</exception>
    public static ReduceGeometry For(int[] shape, int[] axes)
    {
        var kept = new List<(int Dim, int Stride)>();
        var reduced = new List<(int Dim, int Stride)>();
        int lastKind = -1;
        long stride = 1;
        long outputs = 1, folded = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            int n = shape[axis];
            bool isReduced = Array.IndexOf(axes, axis) >= 0;
            if (isReduced) folded *= n; else outputs *= n;
            if (n != 1)
            {
                var list = isReduced ? reduced : kept;
                int kind = isReduced ? 1 : 0;
                if (kind == lastKind) list[0] = (checked(list[0].Dim * n), list[0].Stride);
                else list.Insert(0, (n, checked((int)stride)));
                lastKind = kind;
            }
            stride *= n;
        }
        if (kept.Count > MaxRank || reduced.Count > MaxRank)
            throw new ArgumentException($"reducing [{string.Join(",", shape)}] over ({string.Join(",", axes)}) leaves more than {MaxRank} alternating axes");
        return new ReduceGeometry(kept, reduced, checked((int)outputs), checked((int)folded));
    }
}
