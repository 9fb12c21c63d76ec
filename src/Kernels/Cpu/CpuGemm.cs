using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// C = op(A)·op(B) with the bias / ReLU / ReLU-mask epilogue, in plain C# over raw pointers, split
/// over a <see cref="WorkerPool"/> by output tiles.
/// <para>Every output C[i,j] is one chain of fused multiply-adds over p = 0..K−1 in order, starting
/// from zero, followed by the epilogue (acc + bias[j], then ReLU, then zero where !(mask[i,j] &gt; 0);
/// or, for the SGD epilogue, C[i,j] − lr·acc).
/// Tiling, thread count and vector width change which thread computes an output and with which
/// instructions, never that chain, so results are bit-identical across all of them.</para>
/// <para>One operand is read as vectors along an output dimension, the other broadcast a scalar at a
/// time. When B is contiguous along j (NN, TN) the vectors run along j; when A is contiguous along i
/// they run along i and tiles are stored transposed; when neither is (NT, the forward X·Wᵀ), the
/// smaller output dimension's operand is first packed into panels, in parallel. Full vector panels
/// are read in place; a ragged last panel is copied into zero-padded scratch. Scratch is allocated
/// when a larger K first appears, never per call.</para>
/// </summary>
internal sealed unsafe class CpuGemm : IDisposable
{
    /// <summary>Below this many multiply-adds a GEMM runs on the calling thread: waking workers would cost more.</summary>
    internal const long InlineWork = 1 << 19;

    /// <summary>Register tiles of rows per task.</summary>
    private const int TileRows = 4;

    /// <summary>
    /// Least multiply-adds per task: a short K (the weight gradients' batch of 64) makes a panel of
    /// one row block cheap, so a task takes several panels, and claiming tasks and loading the row
    /// block's broadcast operand stay small next to the arithmetic.
    /// </summary>
    private const long TaskWork = 1 << 19;

    /// <summary>
    /// Longest run of p a microkernel call covers: 256 rows of a 32-wide vector panel are 32 KiB and
    /// stay in L1 while a task's tiles reuse them. Longer K is split into even blocks whose partial
    /// sums wait in scratch.
    /// </summary>
    private const int KBlock = 256;

    private readonly WorkerPool pool;
    private readonly int mr, nr;
    private readonly TileWork tiles;
    private readonly PackWork packs;
    private readonly float*[] tileScratch;
    private readonly float*[] panelScratch;
    private long panelScratchK = -1;
    private float* packed;
    private long packedFloats;

    /// <summary>The widest path this processor runs, as used by default.</summary>
    public static string Isa => GemmIsaInfo.Name(GemmIsaInfo.Best);

    public CpuGemm(WorkerPool pool) : this(pool, GemmIsaInfo.Best) { }

    /// <summary>A GEMM on a chosen path (tests run every path this processor supports).</summary>
    internal CpuGemm(WorkerPool pool, GemmIsa isa)
    {
        if (!GemmIsaInfo.IsSupported(isa))
            throw new PlatformNotSupportedException($"the {GemmIsaInfo.Name(isa)} GEMM needs instructions this processor lacks");
        this.pool = pool;
        Path = isa;
        mr = GemmIsaInfo.Rows(isa);
        nr = GemmIsaInfo.Columns(isa);
        tiles = new TileWork(this);
        packs = new PackWork(this);
        tileScratch = new float*[pool.Threads];
        panelScratch = new float*[pool.Threads];
        for (int w = 0; w < pool.Threads; w++)
            tileScratch[w] = Alloc((TileRows + 1) * mr * nr);
    }

    public GemmIsa Path { get; }

    private static float* Alloc(long floats) => (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, floats) * sizeof(float)), 64);

    public void Run(float* a, float* b, float* c, GemmShape shape, GemmEpilogue epilogue, float* bias, float* mask)
    {
        int m = shape.M, n = shape.N, k = shape.K;
        if (epilogue.HasSgd && epilogue.Flags != GemmEpilogue.SgdFlag)
            throw new ArgumentException($"the SGD epilogue goes alone, got {epilogue}", nameof(epilogue));
        if ((long)m * n == 0) return;
        var t = tiles;
        t.C = c; t.N = n; t.K = k; t.Epilogue = epilogue; t.Bias = bias; t.Mask = mask;
        // Orientation: which operand gives the vectors (V, along output dimension Y) and which the
        // broadcast scalars (S, along output dimension X). Transposed: X is j and Y is i.
        if (shape.BStrideJ == 1 || (shape.AStrideI != 1 && m > n))
        {
            t.Transposed = false; t.X = m; t.Y = n;
            t.S = a; t.SRow = shape.AStrideI; t.SP = shape.AStrideP;
            t.V = b; t.VStride = shape.BStrideP; t.VElement = shape.BStrideJ;
        }
        else
        {
            t.Transposed = true; t.X = n; t.Y = m;
            t.S = b; t.SRow = shape.BStrideJ; t.SP = shape.BStrideP;
            t.V = a; t.VStride = shape.AStrideP; t.VElement = shape.AStrideI;
        }
        long work = (long)m * n * Math.Max(k, 1);
        int panels = (t.Y + nr - 1) / nr;
        t.Packed = null;
        if (t.VElement != 1)
        {
            // Neither operand runs along an output dimension in memory: pack V's panels first.
            long need = (long)panels * k * nr;
            if (need > packedFloats)
            {
                NativeMemory.AlignedFree(packed);
                packed = Alloc(need);
                packedFloats = need;
            }
            t.Packed = packed;
            packs.Panels = panels;
            if (work < InlineWork) for (int q = 0; q < panels; q++) packs.Execute(q, 0);
            else pool.Run(packs, panels);
        }
        else if (t.Y % nr != 0 && k > panelScratchK)
        {
            for (int w = 0; w < panelScratch.Length; w++)
            {
                NativeMemory.AlignedFree(panelScratch[w]);
                panelScratch[w] = Alloc((long)k * nr);
            }
            panelScratchK = k;
        }
        // Tasks: a group of panels of NR vector columns by a block of up to 4 register tiles of rows,
        // at least TaskWork multiply-adds each while that leaves four tasks per thread.
        t.RowBlock = TileRows * mr;
        t.Panels = panels;
        int rowBlocks = (t.X + t.RowBlock - 1) / t.RowBlock;
        long panelWork = (long)t.RowBlock * nr * Math.Max(k, 1);
        int group = (int)Math.Clamp(TaskWork / panelWork, 1, panels);
        group = Math.Min(group, Math.Max(1, panels * rowBlocks / (4 * pool.Threads)));
        t.PanelGroup = group;
        t.PanelGroups = (panels + group - 1) / group;
        int tasks = t.PanelGroups * rowBlocks;
        if (work < InlineWork) for (int q = 0; q < tasks; q++) t.Execute(q, 0);
        else pool.Run(t, tasks);
    }

    private void Micro<E>(float* v, long vStride, float* s, long sRow, long sP, int rows, int k, float* init, float* c, long cStride, float* bias, float* mask, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        switch (Path)
        {
            case GemmIsa.Avx512: GemmMicroKernels.Avx512<E>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case GemmIsa.Avx2: GemmMicroKernels.Avx2<E>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            default: GemmMicroKernels.Vector128Path<E>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
        }
    }

    /// <summary>The microkernel with the epilogue <paramref name="flags"/> compiled in (<see cref="GemmEpilogue"/>'s bits); row-bias forms for transposed tiles.</summary>
    private void Micro(int flags, bool rowBias, float* v, long vStride, float* s, long sRow, long sP, int rows, int k, float* init, float* c, long cStride, float* bias, float* mask, long maskStride, float lr = 0f)
    {
        switch (rowBias ? flags | 16 : flags)
        {
            case 0: Micro<GemmEpilogues.None>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 1: Micro<GemmEpilogues.Bias>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 2: case 18: Micro<GemmEpilogues.Relu>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 3: Micro<GemmEpilogues.BiasRelu>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 4: Micro<GemmEpilogues.Mask>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 5: Micro<GemmEpilogues.BiasMask>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 6: Micro<GemmEpilogues.ReluMask>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 7: Micro<GemmEpilogues.BiasReluMask>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 8: Micro<GemmEpilogues.Sgd>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 16: Micro<GemmEpilogues.None>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 17: Micro<GemmEpilogues.RowBias>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            case 19: Micro<GemmEpilogues.RowBiasRelu>(v, vStride, s, sRow, sP, rows, k, init, c, cStride, bias, mask, maskStride, lr); break;
            default: throw new ArgumentOutOfRangeException(nameof(flags), flags, "no such epilogue in registers (row-bias tiles take no mask or SGD there)");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float acc, long i, int j, int n, GemmEpilogue e, float* bias, float* mask, float* c)
    {
        if (e.HasSgd) return c[i * n + j] - e.LearningRate * acc;
        if (e.HasBias) acc += bias[j];
        if (e.HasRelu) acc = acc > 0f ? acc : 0f;
        if (e.HasMask && !(mask[i * n + j] > 0f)) acc = 0f;
        return acc;
    }

    /// <summary>One panel of NR vector columns across a block of rows.</summary>
    private sealed class TileWork(CpuGemm gemm) : ParallelWork
    {
        public float* C, S, V, Packed, Bias, Mask;
        public long SRow, SP, VStride, VElement;
        public int N, K, X, Y, Panels, RowBlock, PanelGroup, PanelGroups;
        public bool Transposed;
        public GemmEpilogue Epilogue;

        public override void Execute(int task, int worker)
        {
            int first = task % PanelGroups * PanelGroup, block = task / PanelGroups;
            for (int panel = first; panel < Math.Min(Panels, first + PanelGroup); panel++)
                Execute(panel, block, worker);
        }

        /// <summary>One panel across one block of rows.</summary>
        private void Execute(int panel, int block, int worker)
        {
            int mr = gemm.mr, nr = gemm.nr;
            int y0 = panel * nr, width = Math.Min(nr, Y - y0);
            float* v;
            long vStride;
            if (Packed != null)
            {
                v = Packed + (long)panel * K * nr;
                vStride = nr;
            }
            else if (width == nr)
            {
                v = V + y0;
                vStride = VStride;
            }
            else
            {
                // A ragged last panel: copy it, zero-padded to NR columns, into this worker's scratch.
                v = gemm.panelScratch[worker];
                vStride = nr;
                for (int p = 0; p < K; p++)
                {
                    float* src = V + p * VStride + y0;
                    float* dst = v + (long)p * nr;
                    for (int y = 0; y < width; y++) dst[y] = src[y];
                    for (int y = width; y < nr; y++) dst[y] = 0f;
                }
            }
            int xStart = block * RowBlock, xEnd = Math.Min(X, xStart + RowBlock);
            int flags = Epilogue.Flags;
            int blocks = Math.Max(1, (K + KBlock - 1) / KBlock), kc = (K + blocks - 1) / blocks;
            float* partials = gemm.tileScratch[worker];
            float* tile = partials + TileRows * mr * nr;
            // Every block of p but the last: partial sums of each tile of the task into scratch.
            for (int b = 0; b < blocks - 1; b++)
            {
                long p0 = (long)b * kc;
                for (int x0 = xStart, t = 0; x0 < xEnd; x0 += mr, t++)
                {
                    float* partial = partials + t * mr * nr;
                    gemm.Micro(0, rowBias: false, v + p0 * vStride, vStride, S + x0 * SRow + p0 * SP, SRow, SP, Math.Min(mr, X - x0), kc,
                        b == 0 ? null : partial, partial, nr, null, null, 0);
                }
            }
            long last = (long)(blocks - 1) * kc;
            int kLast = K - (int)last;
            v += last * vStride;
            for (int x0 = xStart, t = 0; x0 < xEnd; x0 += mr, t++)
            {
                int rows = Math.Min(mr, X - x0);
                float* s = S + x0 * SRow + last * SP;
                float* init = blocks > 1 ? partials + t * mr * nr : null;
                if (Transposed)
                {
                    // Tile row r is output column j = x0 + r, so its bias is one scalar per row
                    // (applied in registers with the ReLU); each output row i then gets `rows`
                    // consecutive values, and a mask, applied last, is applied here.
                    gemm.Micro(flags & 3, rowBias: true, v, vStride, s, SRow, SP, rows, kLast, init, tile, nr, Bias + x0, null, 0);
                    for (int y = 0; y < width; y++)
                    {
                        long i = y0 + y;
                        float* c = C + i * N + x0;
                        if ((flags & GemmEpilogue.SgdFlag) != 0)
                            for (int r = 0; r < rows; r++) c[r] = c[r] - Epilogue.LearningRate * tile[r * nr + y];
                        else if ((flags & GemmEpilogue.MaskFlag) == 0)
                            for (int r = 0; r < rows; r++) c[r] = tile[r * nr + y];
                        else
                            for (int r = 0; r < rows; r++) c[r] = Mask[i * N + x0 + r] > 0f ? tile[r * nr + y] : 0f;
                    }
                }
                else if (width == nr)
                {
                    // A full panel: the epilogue in registers, straight into C when the rows are full too.
                    bool direct = rows == mr;
                    float* c = direct ? C + (long)x0 * N + y0 : tile;
                    // An SGD epilogue reads C, so into scratch it goes without, and is applied on the copy.
                    gemm.Micro(direct ? flags : flags & ~GemmEpilogue.SgdFlag, rowBias: false, v, vStride, s, SRow, SP, rows, kLast, init, c, direct ? N : nr,
                        Bias + y0, Mask + (long)x0 * N + y0, N, Epilogue.LearningRate);
                    if (!direct)
                        for (int r = 0; r < rows; r++)
                        {
                            float* row = C + (long)(x0 + r) * N + y0;
                            if ((flags & GemmEpilogue.SgdFlag) != 0)
                                for (int y = 0; y < nr; y++) row[y] = row[y] - Epilogue.LearningRate * tile[r * nr + y];
                            else
                                for (int y = 0; y < nr; y++) row[y] = tile[r * nr + y];
                        }
                }
                else
                {
                    // A ragged panel: bias and mask rows end before the vectors do, so the epilogue is scalar here.
                    gemm.Micro(0, rowBias: false, v, vStride, s, SRow, SP, rows, kLast, init, tile, nr, null, null, 0);
                    for (int r = 0; r < rows; r++)
                        for (int y = 0; y < width; y++)
                            C[(long)(x0 + r) * N + y0 + y] = Finish(tile[r * nr + y], x0 + r, y0 + y, N, Epilogue, Bias, Mask, C);
                }
            }
        }
    }

    /// <summary>Packs panel q of the vector operand: packed[q][p][y] = v(p, q·NR + y), zero past the edge.</summary>
    private sealed class PackWork(CpuGemm gemm) : ParallelWork
    {
        public int Panels;

        public override void Execute(int task, int worker)
        {
            var t = gemm.tiles;
            int nr = gemm.nr, k = t.K;
            int y0 = task * nr, width = Math.Min(nr, t.Y - y0);
            float* dst = t.Packed + (long)task * k * nr;
            // Column by column within runs of 64 p, so each reads a contiguous run of the source
            // (its p stride is 1 here) while the 64 destination rows stay in L1.
            for (int p0 = 0; p0 < k; p0 += 64)
            {
                int p1 = Math.Min(k, p0 + 64);
                for (int y = 0; y < nr; y++)
                {
                    if (y >= width)
                    {
                        for (int p = p0; p < p1; p++) dst[(long)p * nr + y] = 0f;
                        continue;
                    }
                    float* src = t.V + (y0 + y) * t.VElement;
                    for (int p = p0; p < p1; p++) dst[(long)p * nr + y] = src[p * t.VStride];
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var p in tileScratch) NativeMemory.AlignedFree(p);
        foreach (var p in panelScratch) NativeMemory.AlignedFree(p);
        NativeMemory.AlignedFree(packed);
        packed = null;
    }
}
