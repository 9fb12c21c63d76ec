namespace Trainer.Kernels.Ops;

/// <summary>
/// C[M,N] = op(A)[M,K] · op(B)[K,N] with element strides, so one kernel serves every layout
/// training needs: a(i,p) = A[i*AStrideI + p*AStrideP], b(p,j) = B[p*BStrideP + j*BStrideJ].
/// </summary>
public readonly struct GemmShape
{
    public readonly int M, N, K;
    public readonly int AStrideI, AStrideP, BStrideP, BStrideJ;

    public GemmShape(int m, int n, int k, int aStrideI, int aStrideP, int bStrideP, int bStrideJ)
    {
        M = m; N = n; K = k;
        AStrideI = aStrideI; AStrideP = aStrideP; BStrideP = bStrideP; BStrideJ = bStrideJ;
    }

    /// <summary>
    /// The shape for A (row-major, [M,K], or [K,M] when transposed) times B (row-major, [K,N],
    /// or [N,K] when transposed).
    /// </summary>
    public static GemmShape For(int m, int n, int k, bool transposeA, bool transposeB) => new(
        m, n, k,
        aStrideI: transposeA ? 1 : k, aStrideP: transposeA ? m : 1,
        bStrideP: transposeB ? 1 : n, bStrideJ: transposeB ? k : 1);

    public long Flops => 2L * M * N * K;
}
