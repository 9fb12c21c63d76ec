using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// General matrix multiply in three variants that give bit-identical results (every output sums
/// its K products in order p = 0..K-1, then applies the epilogue):
/// <list type="bullet">
/// <item>naive: one output element per loop iteration of a grid-stride loop, reading A and B
/// straight from global memory. No blocking, no shared memory, no barriers: the baseline the
/// other two are measured against, and it runs on every accelerator.</item>
/// <item>register-blocked: barrier-free, each thread computes 4x4 blocks straight from global
/// memory, looping over blocks with a grid stride. ILGPU's CPU accelerator pays microseconds to milliseconds per group barrier, so this
/// is the variant for it.</item>
/// <item>tiled: 64x64 output tile per group of 16x16 threads, staged through shared memory in
/// K-slices of 16, each thread computing a 4x4 block. The variant for GPUs.</item>
/// </list>
/// </summary>
public sealed partial class IlgpuBackend
{
    // Only the variant this backend launches is compiled: the register-blocked one is CPU-only code.
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmBlocked;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmNaive;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue>? gemmTiled;

    private void LoadGemm()
    {
        var a = accelerator;
        switch (GemmVariant)
        {
            case GemmVariant.RegisterBlocked:
                gemmBlocked = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(RegisterBlockedKernel);
                break;
            case GemmVariant.Tiled:
                gemmTiled = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue>(TiledKernel);
                break;
            case GemmVariant.Naive:
                gemmNaive = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(NaiveKernel);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(GemmVariant), GemmVariant, "unknown GEMM variant");
        }
    }

    public void Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask)
    {
        if (Empty((long)shape.M * shape.N)) return;
        var biasView = (bias ?? c).Float();
        var maskView = (mask ?? c).Float();
        LaunchCount++;
        switch (GemmVariant)
        {
            case GemmVariant.Tiled:
                gemmTiled!(TiledConfig(shape), a.Float(), b.Float(), c.Float(), biasView, maskView, shape, epilogue);
                break;
            case GemmVariant.Naive:
            {
                int t = Threads((int)Math.Min(int.MaxValue, (long)shape.M * shape.N));
                gemmNaive!(t, a.Float(), b.Float(), c.Float(), biasView, maskView, shape, epilogue, t);
                break;
            }
            default:
            {
                int t = Threads(RegisterBlockedThreads(shape));
                gemmBlocked!(t, a.Float(), b.Float(), c.Float(), biasView, maskView, shape, epilogue, t);
                break;
            }
        }
    }

    public const int Block = 4;
    public const int TileM = 64, TileN = 64, TileK = 16, TileThreads = 16;

    public static int RegisterBlockedThreads(GemmShape s) =>
        ((s.M + Block - 1) / Block) * ((s.N + Block - 1) / Block);

    public static KernelConfig TiledConfig(GemmShape s) => new(
        new Index2D((s.N + TileN - 1) / TileN, (s.M + TileM - 1) / TileM),
        new Index2D(TileThreads, TileThreads));

    private static float Finish(float acc, int i, int j, int n, GemmEpilogue e, ArrayView<float> bias, ArrayView<float> mask, ArrayView<float> c)
    {
        if (e.HasSgd) return c[(long)i * n + j] - e.LearningRate * acc;
        if (e.HasBias) acc += bias[j];
        if (e.HasRelu) acc = acc > 0f ? acc : 0f;
        if (e.HasMask && !(mask[(long)i * n + j] > 0f)) acc = 0f;
        return acc;
    }

    /// <summary>
    /// C[i,j] for index = i·N + j = thread, thread + stride, …: each output sums its K products in
    /// order and then applies <see cref="Finish"/>. Plain <see cref="ArrayView{T}"/> indexing only,
    /// so it compiles for CUDA and OpenCL as well as the CPU accelerator.
    /// </summary>
    internal static void NaiveKernel(
        Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        ArrayView<float> bias, ArrayView<float> mask, GemmShape s, GemmEpilogue e, int stride)
    {
        long count = (long)s.M * s.N;
        for (long index = thread; index < count; index += stride)
        {
            int i = (int)(index / s.N), j = (int)(index % s.N);
            long ai = (long)i * s.AStrideI, bj = (long)j * s.BStrideJ;
            float acc = 0f;
            for (int p = 0; p < s.K; p++)
                acc += a[ai + (long)p * s.AStrideP] * b[(long)p * s.BStrideP + bj];
            c[index] = Finish(acc, i, j, s.N, e, bias, mask, c);
        }
    }

    internal static void RegisterBlockedKernel(
        Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        ArrayView<float> bias, ArrayView<float> mask, GemmShape s, GemmEpilogue e, int stride)
    {
        int blocks = RegisterBlockedThreads(s);
        for (int index = thread; index < blocks; index += stride)
            RegisterBlock(index, a, b, c, bias, mask, s, e);
    }

    private static void RegisterBlock(
        int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        ArrayView<float> bias, ArrayView<float> mask, GemmShape s, GemmEpilogue e)
    {
        int blocksN = (s.N + Block - 1) / Block;
        int i0 = index / blocksN * Block;
        int j0 = index % blocksN * Block;
        // Clamp rows and columns past the edge onto the last valid one so the inner loop has no
        // branches; their results are computed and then not stored.
        int i1 = Math.Min(i0 + 1, s.M - 1), i2 = Math.Min(i0 + 2, s.M - 1), i3 = Math.Min(i0 + 3, s.M - 1);
        int j1 = Math.Min(j0 + 1, s.N - 1), j2 = Math.Min(j0 + 2, s.N - 1), j3 = Math.Min(j0 + 3, s.N - 1);
        long a0 = (long)i0 * s.AStrideI, a1 = (long)i1 * s.AStrideI, a2 = (long)i2 * s.AStrideI, a3 = (long)i3 * s.AStrideI;
        long b0 = (long)j0 * s.BStrideJ, b1 = (long)j1 * s.BStrideJ, b2 = (long)j2 * s.BStrideJ, b3 = (long)j3 * s.BStrideJ;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < s.K; p++)
        {
            long ap = (long)p * s.AStrideP, bp = (long)p * s.BStrideP;
            float x0 = a[a0 + ap], x1 = a[a1 + ap], x2 = a[a2 + ap], x3 = a[a3 + ap];
            float y0 = b[bp + b0], y1 = b[bp + b1], y2 = b[bp + b2], y3 = b[bp + b3];
            c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
            c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
            c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
            c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }

        Store(c, i0, j0, c00, c01, c02, c03, s, e, bias, mask);
        if (i0 + 1 < s.M) Store(c, i0 + 1, j0, c10, c11, c12, c13, s, e, bias, mask);
        if (i0 + 2 < s.M) Store(c, i0 + 2, j0, c20, c21, c22, c23, s, e, bias, mask);
        if (i0 + 3 < s.M) Store(c, i0 + 3, j0, c30, c31, c32, c33, s, e, bias, mask);
    }

    private static void Store(
        ArrayView<float> c, int i, int j0, float v0, float v1, float v2, float v3,
        GemmShape s, GemmEpilogue e, ArrayView<float> bias, ArrayView<float> mask)
    {
        long row = (long)i * s.N;
        c[row + j0] = Finish(v0, i, j0, s.N, e, bias, mask, c);
        if (j0 + 1 < s.N) c[row + j0 + 1] = Finish(v1, i, j0 + 1, s.N, e, bias, mask, c);
        if (j0 + 2 < s.N) c[row + j0 + 2] = Finish(v2, i, j0 + 2, s.N, e, bias, mask, c);
        if (j0 + 3 < s.N) c[row + j0 + 3] = Finish(v3, i, j0 + 3, s.N, e, bias, mask, c);
    }

    internal static void TiledKernel(
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        ArrayView<float> bias, ArrayView<float> mask, GemmShape s, GemmEpilogue e)
    {
        // Tiles are stored k-major so that the 16 threads of a row read consecutive addresses.
        var aTile = SharedMemory.Allocate<float>(TileK * TileM);
        var bTile = SharedMemory.Allocate<float>(TileK * TileN);
        int tx = Group.IdxX, ty = Group.IdxY;
        int tid = ty * TileThreads + tx;
        int rowBase = Grid.IdxY * TileM, colBase = Grid.IdxX * TileN;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        for (int k0 = 0; k0 < s.K; k0 += TileK)
        {
            // 256 threads load the 16x64 slices of A and B, four elements each.
            for (int l = tid; l < TileK * TileM; l += TileThreads * TileThreads)
            {
                int kk = l / TileM, mm = l % TileM;
                int gi = rowBase + mm, gp = k0 + kk;
                aTile[kk * TileM + mm] = gi < s.M && gp < s.K ? a[(long)gi * s.AStrideI + (long)gp * s.AStrideP] : 0f;
                int gj = colBase + mm;
                bTile[kk * TileN + mm] = gj < s.N && gp < s.K ? b[(long)gp * s.BStrideP + (long)gj * s.BStrideJ] : 0f;
            }
            Group.Barrier();

            int kMax = Math.Min(TileK, s.K - k0);
            for (int kk = 0; kk < kMax; kk++)
            {
                // Thread (tx,ty) owns rows ty + 16r and columns tx + 16q: strided so shared-memory
                // reads of a warp hit distinct banks.
                float x0 = aTile[kk * TileM + ty], x1 = aTile[kk * TileM + ty + 16];
                float x2 = aTile[kk * TileM + ty + 32], x3 = aTile[kk * TileM + ty + 48];
                float y0 = bTile[kk * TileN + tx], y1 = bTile[kk * TileN + tx + 16];
                float y2 = bTile[kk * TileN + tx + 32], y3 = bTile[kk * TileN + tx + 48];
                c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
                c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
                c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
                c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
            }
            Group.Barrier();
        }

        StoreStrided(c, rowBase + ty, colBase + tx, c00, c01, c02, c03, s, e, bias, mask);
        StoreStrided(c, rowBase + ty + 16, colBase + tx, c10, c11, c12, c13, s, e, bias, mask);
        StoreStrided(c, rowBase + ty + 32, colBase + tx, c20, c21, c22, c23, s, e, bias, mask);
        StoreStrided(c, rowBase + ty + 48, colBase + tx, c30, c31, c32, c33, s, e, bias, mask);
    }

    private static void StoreStrided(
        ArrayView<float> c, int i, int j, float v0, float v1, float v2, float v3,
        GemmShape s, GemmEpilogue e, ArrayView<float> bias, ArrayView<float> mask)
    {
        if (i >= s.M) return;
        long row = (long)i * s.N;
        if (j < s.N) c[row + j] = Finish(v0, i, j, s.N, e, bias, mask, c);
        if (j + 16 < s.N) c[row + j + 16] = Finish(v1, i, j + 16, s.N, e, bias, mask, c);
        if (j + 32 < s.N) c[row + j + 32] = Finish(v2, i, j + 32, s.N, e, bias, mask, c);
        if (j + 48 < s.N) c[row + j + 48] = Finish(v3, i, j + 48, s.N, e, bias, mask, c);
    }
}
