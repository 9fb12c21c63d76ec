namespace Trainer.Kernels.Families;

/// <summary>
/// How a broadcasting binary op walks its operands: the output's shape with size-1 axes dropped and
/// neighbouring axes that broadcast alike merged (so [N,C,H,W] + [1,C,1,1] is [N, C, H·W] with b's strides
/// (0, 1, 0)), and each operand's stride along each of those axes (0 where it is broadcast). At most
/// <see cref="MaxRank"/> axes remain; fields rather than arrays so an ILGPU kernel takes it by value.
/// </summary>
public readonly struct BroadcastGeometry
{
    /// <summary>The most axes left after merging.</summary>
    public const int MaxRank = 6;

    /// <summary>Axes after merging (0 for a one-element output).</summary>
    public readonly int Rank;
    /// <summary>Output elements.</summary>
    public readonly int Count;
    private readonly int d0, d1, d2, d3, d4, d5;
    private readonly int a0, a1, a2, a3, a4, a5;
    private readonly int b0, b1, b2, b3, b4, b5;

    private BroadcastGeometry(int rank, int count, int[] dims, int[] aStrides, int[] bStrides)
    {
        Rank = rank;
        Count = count;
        d0 = dims[0]; d1 = dims[1]; d2 = dims[2]; d3 = dims[3]; d4 = dims[4]; d5 = dims[5];
        a0 = aStrides[0]; a1 = aStrides[1]; a2 = aStrides[2]; a3 = aStrides[3]; a4 = aStrides[4]; a5 = aStrides[5];
        b0 = bStrides[0]; b1 = bStrides[1]; b2 = bStrides[2]; b3 = bStrides[3]; b4 = bStrides[4]; b5 = bStrides[5];
    }

    /// <summary>The size of merged axis <paramref name="axis"/>.</summary>
    public int Dim(int axis) => axis switch { 0 => d0, 1 => d1, 2 => d2, 3 => d3, 4 => d4, _ => d5 };

    /// <summary>Operand a's stride along merged axis <paramref name="axis"/>, in elements.</summary>
    public int StrideA(int axis) => axis switch { 0 => a0, 1 => a1, 2 => a2, 3 => a3, 4 => a4, _ => a5 };

    /// <summary>Operand b's stride along merged axis <paramref name="axis"/>, in elements.</summary>
    public int StrideB(int axis) => axis switch { 0 => b0, 1 => b1, 2 => b2, 3 => b3, 4 => b4, _ => b5 };

    /// <summary>The elements of a and b that output element <paramref name="index"/> reads.</summary>
    public void Offsets(int index, out int a, out int b)
    {
        a = 0;
        b = 0;
        for (int axis = Rank - 1; axis >= 0; axis--)
        {
            int dim = Dim(axis);
            int i = index % dim;
            index /= dim;
            a += i * StrideA(axis);
            b += i * StrideB(axis);
        }
    }

    /// <summary>
    /// The geometry of a and b broadcast to <paramref name="output"/> (NumPy's rule: shapes aligned at their
    /// last axes, each operand axis equal to the output's or 1). The caller has checked that they broadcast.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxRank"/> axes remain after merging, or a shape does not broadcast.</exception>
    public static BroadcastGeometry For(int[] a, int[] b, int[] output)
    {
        int rank = output.Length;
        var dims = new int[MaxRank];
        var sa = new int[MaxRank];
        var sb = new int[MaxRank];
        long strideA = 1, strideB = 1;
        int previousPattern = -1;
        var revDims = new List<(int Dim, int A, int B, int Pattern)>();
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            int n = output[axis];
            int da = DimAligned(a, axis, rank), db = DimAligned(b, axis, rank);
            if ((da != n && da != 1) || (db != n && db != 1))
                throw new ArgumentException($"[{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast to [{string.Join(",", output)}]");
            if (n == 1) continue;
            bool fullA = da == n, fullB = db == n;
            int pattern = (fullA ? 1 : 0) | (fullB ? 2 : 0);
            int stepA = fullA ? checked((int)strideA) : 0, stepB = fullB ? checked((int)strideB) : 0;
            if (pattern == previousPattern)
            {
                var last = revDims[^1];
                revDims[^1] = (checked(last.Dim * n), last.A, last.B, pattern);
            }
            else
            {
                revDims.Add((n, stepA, stepB, pattern));
                previousPattern = pattern;
            }
            strideA *= da;
            strideB *= db;
        }
        if (revDims.Count > MaxRank)
            throw new ArgumentException($"broadcasting [{string.Join(",", a)}] with [{string.Join(",", b)}] needs {revDims.Count} axes after merging; the kernels take at most {MaxRank}");
        int merged = revDims.Count;
        for (int i = 0; i < merged; i++)
        {
            var (dim, stepA, stepB, _) = revDims[merged - 1 - i];
            dims[i] = dim;
            sa[i] = stepA;
            sb[i] = stepB;
        }
        for (int i = merged; i < MaxRank; i++) dims[i] = 1;
        long count = 1;
        foreach (int d in output) count *= d;
        return new BroadcastGeometry(merged, checked((int)count), dims, sa, sb);
    }

    /// <summary>
    /// The output of permuting the axes of a tensor of <paramref name="input"/> by <paramref name="permutation"/>
    /// (output axis i is input axis permutation[i]) walked as a broadcast whose operands are both the input read
    /// through the permuted strides: what a transpose copies through the binary family's <c>first</c> kernel.
    /// Neighbouring output axes that stay contiguous in the input are merged.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxRank"/> axes remain after merging.</exception>
    public static BroadcastGeometry Permuted(int[] input, int[] permutation)
    {
        var inputStrides = new long[input.Length];
        for (long stride = 1, axis = input.Length - 1; axis >= 0; axis--)
        {
            inputStrides[axis] = stride;
            stride *= input[axis];
        }
        var axes = new List<(int Dim, long Stride)>();
        foreach (int source in permutation)
        {
            int n = input[source];
            if (n == 1) continue;
            long stride = inputStrides[source];
            if (axes.Count > 0 && axes[^1].Stride == stride * n) axes[^1] = (checked(axes[^1].Dim * n), stride);
            else axes.Add((n, stride));
        }
        if (axes.Count > MaxRank)
            throw new ArgumentException($"permuting [{string.Join(",", input)}] by ({string.Join(",", permutation)}) needs {axes.Count} axes; the kernels take at most {MaxRank}");
        var dims = new int[MaxRank];
        var strides = new int[MaxRank];
        for (int i = 0; i < MaxRank; i++)
        {
            dims[i] = i < axes.Count ? axes[i].Dim : 1;
            strides[i] = i < axes.Count ? checked((int)axes[i].Stride) : 0;
        }
        long count = 1;
        foreach (int d in input) count *= d;
        return new BroadcastGeometry(axes.Count, checked((int)count), dims, strides, strides);
    }

    private static int DimAligned(int[] shape, int axis, int rank)
    {
        int i = axis - (rank - shape.Length);
        return i < 0 ? 1 : shape[i];
    }
}
