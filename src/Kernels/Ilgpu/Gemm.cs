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
/// <item>tiled: a 64x64 or 32x32 output tile per group of 16x16 or 8x8 threads, staged through
/// shared memory in K-slices of 16 with loads that coalesce in every layout, each thread computing
/// a 4x4 block; K split over several groups when the tiles alone would leave the GPU idle
/// (<see cref="GemmTiling"/>). The variant for GPUs. With one K-chunk it gives the others' bits;
/// split, each output is the chunks' ordered sums added in chunk order: a fixed order, so still
/// deterministic, and within the same error bound.</item>
/// </list>
/// </summary>
public sealed partial class IlgpuBackend
{
    // Only the variant this backend launches is compiled: the register-blocked one is CPU-only code.
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmBlocked;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmNaive;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmTiled;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int, int>? gemmSplitKReduce;

    /// <summary>Split-K partial sums, one buffer per size (Splits·M·N floats), allocated once and kept: GEMMs run one after another on one stream, so shapes of one size share it.</summary>
    private readonly Dictionary<long, DeviceBuffer> gemmWorkspaces = [];

    /// <summary>
    /// The multiprocessor count the tiled GEMM plans its grids for (<see cref="GemmTiling.Choose"/>):
    /// the device's own, unless a test asks the CPU accelerator to plan as a given GPU would.
    /// </summary>
    public int GemmMultiprocessors { get; private set; }

    private void LoadGemm()
    {
        var a = accelerator;
        GemmMultiprocessors = Description.Multiprocessors;
        switch (GemmVariant)
        {
            case GemmVariant.RegisterBlocked:
                gemmBlocked = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(RegisterBlockedKernel);
                break;
            case GemmVariant.Tiled:
                gemmTiled = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(TiledKernel);
                gemmSplitKReduce = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int, int>(SplitKReduceKernel);
                break;
            case GemmVariant.Naive:
                gemmNaive = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(NaiveKernel);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(GemmVariant), GemmVariant, "unknown GEMM variant");
        }
    }

    /// <summary>
    /// Plans the tiled GEMM's grids for a device with <paramref name="multiprocessors"/>
    /// multiprocessors instead of this one's: lets the CPU accelerator run the tile shapes and
    /// K-splits a GPU would get.
    /// </summary>
    public void PlanGemmFor(int multiprocessors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(multiprocessors, 1);
        GemmMultiprocessors = multiprocessors;
    }

    /// <summary>The tile shape and K-split the tiled GEMM uses for <paramref name="shape"/> on this backend.</summary>
    internal GemmTiling GemmTilingFor(GemmShape shape) => GemmTiling.Choose(shape, GemmMultiprocessors);

    /// <summary>Allocates the split-K workspace <paramref name="shape"/> needs, if any and not yet there: once per size, at bind time.</summary>
    void ILayerKernels.PrepareGemm(GemmShape shape)
    {
        if (GemmVariant == GemmVariant.Tiled) GemmWorkspace(GemmTilingFor(shape).WorkspaceFloats(shape));
    }

    private DeviceBuffer? GemmWorkspace(long floats)
    {
        if (floats == 0) return null;
        if (!gemmWorkspaces.TryGetValue(floats, out var buffer))
            gemmWorkspaces.Add(floats, buffer = Allocate(floats * sizeof(float)));
        return buffer;
    }

    private void FreeGemmWorkspaces()
    {
        foreach (var buffer in gemmWorkspaces.Values) Free(buffer);
        gemmWorkspaces.Clear();
    }

    /// <inheritdoc/>
    void ILayerKernels.Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask)
    {
        if (Empty((long)shape.M * shape.N)) return;
        var biasView = (bias ?? c).Float();
        var maskView = (mask ?? c).Float();
        LaunchCount++;
        switch (GemmVariant)
        {
            case GemmVariant.Tiled:
                LaunchTiled(a, b, c, shape, epilogue, biasView, maskView);
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

    /// <summary>
    /// One launch with one K-chunk; with more, the chunks into the workspace and then the
    /// reduction into C (two launches, both counted).
    /// </summary>
    private void LaunchTiled(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, ArrayView<float> bias, ArrayView<float> mask)
    {
        var tiling = GemmTilingFor(shape);
        if (GemmWorkspace(tiling.WorkspaceFloats(shape)) is not { } workspace)
        {
            gemmTiled!(tiling.Config(shape), a.Float(), b.Float(), c.Float(), bias, mask, shape, epilogue, tiling.KChunk);
            return;
        }
        var partials = workspace.Float();
        gemmTiled!(tiling.Config(shape), a.Float(), b.Float(), partials, bias, mask, shape, GemmEpilogue.None, tiling.KChunk);
        LaunchCount++;
        int t = Threads((int)Math.Min(int.MaxValue, (long)shape.M * shape.N));
        gemmSplitKReduce!(t, partials, c.Float(), bias, mask, shape, epilogue, tiling.Splits, t);
    }

    internal const int Block = 4;

    internal static int RegisterBlockedThreads(GemmShape s) =>
        ((s.M + Block - 1) / Block) * ((s.N + Block - 1) / Block);

    private static float Finish(float acc, int i, int j, int n, GemmEpilogue e, ArrayView<float> bias, ArrayView<float> mask, ArrayView<float> c)
    {
        if (e.HasSgd) return c[(long)i * n + j] - bias[Ops.HyperparameterLayout.LearningRate] * acc; // bias: the hyperparameter block
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

    /// <summary>
    /// One <see cref="GemmTiling"/> tile and K-chunk per group: C[i,j] over p in the chunk
    /// [IdxZ·kChunk, (IdxZ+1)·kChunk) ∩ [0, K), in order. The tile side is 4× the group's side, so
    /// one kernel serves 64x64 (16x16 threads) and 32x32 (8x8) tiles. Both operands are staged
    /// k-major in shared memory; each is read from global memory along whichever of its axes is
    /// contiguous, so consecutive threads read consecutive addresses in every layout (a K-contiguous
    /// operand, A in NN/NT and B in NT, is transposed on its way into shared memory). With one
    /// chunk it applies the epilogue and stores C; with more, <paramref name="c"/> is the workspace
    /// and chunk z stores its raw sums at z·M·N (the epilogue is then None).
    /// </summary>
    internal static void TiledKernel(
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        ArrayView<float> bias, ArrayView<float> mask, GemmShape s, GemmEpilogue e, int kChunk)
    {
        var aTile = SharedMemory.Allocate<float>(GemmTiling.SliceK * TileStride);
        var bTile = SharedMemory.Allocate<float>(GemmTiling.SliceK * TileStride);
        int tx = Group.IdxX, ty = Group.IdxY, sx = Group.DimX, sy = Group.DimY;
        int tid = ty * sx + tx, threads = sx * sy;
        int tileM = GemmTiling.Micro * sy, tileN = GemmTiling.Micro * sx;
        int rowBase = Grid.IdxY * tileM, colBase = Grid.IdxX * tileN;
        int kBegin = Grid.IdxZ * kChunk, kEnd = Math.Min(s.K, kBegin + kChunk);
        bool aAlongK = s.AStrideP == 1 && s.AStrideI != 1;
        bool bAlongK = s.BStrideP == 1 && s.BStrideJ != 1;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        for (int k0 = kBegin; k0 < kEnd; k0 += GemmTiling.SliceK)
        {
            LoadSlice(aTile, a, s.AStrideI, s.AStrideP, rowBase, s.M, tileM, k0, kEnd, aAlongK, tid, threads);
            LoadSlice(bTile, b, s.BStrideJ, s.BStrideP, colBase, s.N, tileN, k0, kEnd, bAlongK, tid, threads);
            Group.Barrier();

            int kMax = Math.Min(GemmTiling.SliceK, kEnd - k0);
            for (int kk = 0; kk < kMax; kk++)
            {
                // Thread (tx,ty) owns rows ty + sy·r and columns tx + sx·q: strided so shared-memory
                // reads of a warp hit distinct banks.
                int ak = kk * TileStride + ty, bk = kk * TileStride + tx;
                float x0 = aTile[ak], x1 = aTile[ak + sy], x2 = aTile[ak + 2 * sy], x3 = aTile[ak + 3 * sy];
                float y0 = bTile[bk], y1 = bTile[bk + sx], y2 = bTile[bk + 2 * sx], y3 = bTile[bk + 3 * sx];
                c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
                c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
                c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
                c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
            }
            Group.Barrier();
        }

        var output = c.SubView((long)Grid.IdxZ * s.M * s.N);
        StoreStrided(output, rowBase + ty, colBase + tx, sx, c00, c01, c02, c03, s, e, bias, mask);
        StoreStrided(output, rowBase + ty + sy, colBase + tx, sx, c10, c11, c12, c13, s, e, bias, mask);
        StoreStrided(output, rowBase + ty + 2 * sy, colBase + tx, sx, c20, c21, c22, c23, s, e, bias, mask);
        StoreStrided(output, rowBase + ty + 3 * sy, colBase + tx, sx, c30, c31, c32, c33, s, e, bias, mask);
    }

    /// <summary>
    /// Shared-memory row length: the largest tile plus one, so the transposing stores (consecutive
    /// threads walking k) fall in different banks.
    /// </summary>
    private const int TileStride = GemmTiling.MaxTile + 1;

    /// <summary>
    /// Fills tile[kk·TileStride + o] = x(outerBase + o, k0 + kk) for kk &lt; 16, o &lt; tileOuter, zero
    /// past the matrix or the chunk. Consecutive threads take consecutive elements along k when the
    /// operand is contiguous in k (<paramref name="alongK"/>), else along the outer axis: either way
    /// they read consecutive global addresses.
    /// </summary>
    private static void LoadSlice(
        ArrayView<float> tile, ArrayView<float> x, int strideOuter, int strideK, int outerBase, int outerCount, int tileOuter,
        int k0, int kEnd, bool alongK, int tid, int threads)
    {
        int count = GemmTiling.SliceK * tileOuter;
        for (int l = tid; l < count; l += threads)
        {
            int kk = alongK ? l % GemmTiling.SliceK : l / tileOuter;
            int o = alongK ? l / GemmTiling.SliceK : l % tileOuter;
            int go = outerBase + o, gp = k0 + kk;
            tile[kk * TileStride + o] = go < outerCount && gp < kEnd ? x[(long)go * strideOuter + (long)gp * strideK] : 0f;
        }
    }

    private static void StoreStrided(
        ArrayView<float> c, int i, int j, int step, float v0, float v1, float v2, float v3,
        GemmShape s, GemmEpilogue e, ArrayView<float> bias, ArrayView<float> mask)
    {
        if (i >= s.M) return;
        long row = (long)i * s.N;
        if (j < s.N) c[row + j] = Finish(v0, i, j, s.N, e, bias, mask, c);
        if (j + step < s.N) c[row + j + step] = Finish(v1, i, j + step, s.N, e, bias, mask, c);
        if (j + 2 * step < s.N) c[row + j + 2 * step] = Finish(v2, i, j + 2 * step, s.N, e, bias, mask, c);
        if (j + 3 * step < s.N) c[row + j + 3 * step] = Finish(v3, i, j + 3 * step, s.N, e, bias, mask, c);
    }

    /// <summary>
    /// Split-K's second half: C[i,j] = epilogue(Σ_z partials[z·M·N + i·N + j]), z = 0..splits-1 in
    /// order, one output per loop iteration of a grid-stride loop. A fixed order, so the result
    /// does not depend on which chunk finished first; the epilogue runs once, here.
    /// </summary>
    internal static void SplitKReduceKernel(
        Index1D thread, ArrayView<float> partials, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> mask,
        GemmShape s, GemmEpilogue e, int splits, int stride)
    {
        long count = (long)s.M * s.N;
        for (long index = thread; index < count; index += stride)
        {
            float acc = partials[index];
            for (int z = 1; z < splits; z++)
                acc += partials[z * count + index];
            int i = (int)(index / s.N), j = (int)(index % s.N);
            c[index] = Finish(acc, i, j, s.N, e, bias, mask, c);
        }
    }
}
