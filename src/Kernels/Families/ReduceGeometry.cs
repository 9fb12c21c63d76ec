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
    public const int MaxRank = 6;

    /// <summary>Kept axes after merging.</summary>
    public readonly int KeptRank;
    /// <summary>Reduced axes after merging.</summary>
    public readonly int ReducedRank;
    /// <summary>Outputs.</summary>
    public readonly int OutputCount;
    /// <summary>Elements each output folds.</summary>
    public readonly int ReducedCount;
    private readonly int k0, k1, k2, k3, k4, k5, ks0, ks1, ks2, ks3, ks4, ks5;
    private readonly int r0, r1, r2, r3, r4, r5, rs0, rs1, rs2, rs3, rs4, rs5;

    private ReduceGeometry(List<(int Dim, int Stride)> kept, List<(int Dim, int Stride)> reduced, int outputs, int folded)
    {
        KeptRank = kept.Count;
        ReducedRank = reduced.Count;
        OutputCount = outputs;
        ReducedCount = folded;
        (int, int) K(int i) => i < kept.Count ? kept[i] : (1, 0);
        (int, int) R(int i) => i < reduced.Count ? reduced[i] : (1, 0);
        (k0, ks0) = K(0); (k1, ks1) = K(1); (k2, ks2) = K(2); (k3, ks3) = K(3); (k4, ks4) = K(4); (k5, ks5) = K(5);
        (r0, rs0) = R(0); (r1, rs1) = R(1); (r2, rs2) = R(2); (r3, rs3) = R(3); (r4, rs4) = R(4); (r5, rs5) = R(5);
    }

    private int KeptDim(int axis) => axis switch { 0 => k0, 1 => k1, 2 => k2, 3 => k3, 4 => k4, _ => k5 };
    private int KeptStride(int axis) => axis switch { 0 => ks0, 1 => ks1, 2 => ks2, 3 => ks3, 4 => ks4, _ => ks5 };
    private int ReducedDim(int axis) => axis switch { 0 => r0, 1 => r1, 2 => r2, 3 => r3, 4 => r4, _ => r5 };
    private int ReducedStride(int axis) => axis switch { 0 => rs0, 1 => rs1, 2 => rs2, 3 => rs3, 4 => rs4, _ => rs5 };

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
        if (ReducedRank == 1) return step * rs0;
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
