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
    public const int MaxRank = AxisInts.Capacity;

    /// <summary>Axes after merging (0 for a one-element output).</summary>
    public readonly int Rank;
    /// <summary>Output elements.</summary>
    public readonly int Count;
    private readonly AxisInts dims, aStrides, bStrides;

    private BroadcastGeometry(int rank, int count, int[] dims, int[] aStrides, int[] bStrides)
    {
        Rank = rank;
        Count = count;
        this.dims = new AxisInts(dims);
        this.aStrides = new AxisInts(aStrides);
        this.bStrides = new AxisInts(bStrides);
    }

    /// <summary>The size of merged axis <paramref name="axis"/>.</summary>
    public int Dim(int axis) => dims[axis];

    /// <summary>Operand a's stride along merged axis <paramref name="axis"/>, in elements.</summary>
    public int StrideA(int axis) => aStrides[axis];

    /// <summary>Operand b's stride along merged axis <paramref name="axis"/>, in elements.</summary>
    public int StrideB(int axis) => bStrides[axis];

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
