namespace Trainer.Kernels.Ops;

/// <summary>
/// C[M,N] = op(A)[M,K] · op(B)[K,N] with element strides, so one kernel serves every layout
/// training needs: a(i,p) = A[i*AStrideI + p*AStrideP], b(p,j) = B[p*BStrideP + j*BStrideJ].
/// </summary>
public readonly struct GemmShape
{
    /// <summary>Rows of C, columns of C, and the length of the sum.</summary>
    public readonly int M, N, K;
    /// <summary>Element strides of A along i and p, and of B along p and j.</summary>
    public readonly int AStrideI, AStrideP, BStrideP, BStrideJ;

    /// <summary>A product of the given sizes and element strides (see <see cref="For"/> for the row-major layouts).</summary>
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

    /// <summary>Floating-point operations of the product, 2·M·N·K.</summary>
    public long Flops => 2L * M * N * K;
}
