namespace Trainer.Kernels.Families;

/// <summary>
/// The sizes and element strides of a batched matrix product y[b] = op(a[b])·op(b[b]) (<see cref="FamilyKeys.BatchMatMul"/>),
/// read from the operands' shapes and the transpose flags; fields so an ILGPU kernel takes it by value.
/// </summary>
public readonly struct BatchMatMulShape
{
    /// <summary>Batch size.</summary>
    public readonly int Batch;
    /// <summary>Rows of the output.</summary>
    public readonly int M;
    /// <summary>Columns of the output.</summary>
    public readonly int N;
    /// <summary>The summed dimension.</summary>
    public readonly int K;
    /// <summary>Element strides of a along the output's row (m) and along the summed dimension (p).</summary>
    public readonly int AStrideM, AStrideP;
    /// <summary>Element strides of b along the summed dimension (p) and along the output's column (n).</summary>
    public readonly int BStrideP, BStrideN;

    private BatchMatMulShape(int batch, int m, int n, int k, bool transposeA, bool transposeB)
    {
        Batch = batch;
        M = m;
        N = n;
        K = k;
        (AStrideM, AStrideP) = transposeA ? (1, m) : (k, 1);
        (BStrideP, BStrideN) = transposeB ? (1, k) : (n, 1);
    }

    /// <summary>Output elements: Batch·M·N.</summary>
    public int Count => Batch * M * N;

    /// <summary>Where output element <paramref name="index"/> (row-major [B,M,N]) starts reading a and b (their p = 0 elements).</summary>
    public void Bases(int index, out int aBase, out int bBase)
    {
        int n = index % N, rest = index / N;
        int m = rest % M, batch = rest / M;
        aBase = batch * M * K + m * AStrideM;
        bBase = batch * K * N + n * BStrideN;
    }

    /// <summary>The product of a of <paramref name="a"/> and b of <paramref name="b"/> with the transpose flags.</summary>
    /// <exception cref="ArgumentException">An operand is not of rank 3, or the batch or summed sizes differ.</exception>
    public static BatchMatMulShape For(int[] a, int[] b, bool transposeA, bool transposeB)
    {
        if (a.Length != 3 || b.Length != 3)
            throw new ArgumentException($"batch_matmul needs [B,M,K] and [B,K,N], got [{string.Join(",", a)}] and [{string.Join(",", b)}]");
        int m = transposeA ? a[2] : a[1], ka = transposeA ? a[1] : a[2];
        int kb = transposeB ? b[2] : b[1], n = transposeB ? b[1] : b[2];
        if (a[0] != b[0] || ka != kb)
            throw new ArgumentException($"batch_matmul of [{string.Join(",", a)}] and [{string.Join(",", b)}] (transposes {transposeA}, {transposeB}): batch or summed sizes differ");
        if ((long)a[0] * m * n > int.MaxValue || (long)a[0] * m * ka > int.MaxValue || (long)a[0] * ka * n > int.MaxValue)
            throw new ArgumentException($"batch_matmul of [{string.Join(",", a)}] and [{string.Join(",", b)}]: more than {int.MaxValue} elements");
        return new BatchMatMulShape(a[0], m, n, ka, transposeA, transposeB);
    }
}
