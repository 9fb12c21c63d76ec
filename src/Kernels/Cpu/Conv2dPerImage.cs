using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The im2col convolutions (strided, 1x1) one image at a time, so an image's column matrix stays in
/// the core's cache and no pass reorders whole-batch planes: each worker gathers its image's columns
/// (<see cref="ColumnMatrix"/>) into its own part of the workspace and multiplies them on its own
/// single-threaded <see cref="CpuGemm"/>, the same packed kernels as the whole-batch GEMM.
/// <list type="bullet">
/// <item>forward: y[n] = W · col[n], written straight to NCHW (the image's O planes are the product's
/// rows), then the bias and ReLU on the way out;</item>
/// <item>input gradient: dcol[n] = Wᵀ · dy[n] (dy[n]'s planes are already the rows it needs), then
/// col2im into the image's planes;</item>
/// <item>weight gradient: one task per block of output channels by block of taps; for each image in
/// order it gathers its taps' rows, multiplies them by dy[n]'s rows (one fused multiply-add chain over
/// the image's positions) and adds the product into its sum, written to its block of dW at the end.</item>
/// </list>
/// The forward pass and the input gradient compute every output with exactly the whole-batch path's
/// chain of operations (the GEMM's bits do not depend on how it is tiled), so the two paths agree bit
/// for bit and the choice between them (one image per worker's scratch, which needs no more threads
/// than images) may depend on the thread count. The weight gradient sums per-image chains in image
/// order, which differs from the whole-batch chain in the last bits, so it is taken for every im2col
/// shape whose blocks fit the workspace, a condition on the shape alone; how its tasks are cut
/// changes which thread computes an output, never its operations.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Taps per task of the weight gradient, a multiple of this: the rows of one AVX-512 register tile.</summary>
    private const int FilterTapBlock = 8;

    /// <summary>Fewest taps per task of the weight gradient where the taps are split: one GEMM panel's columns.</summary>
    private const int FilterMinTaps = 32;

    /// <summary>Output channels per task of the weight gradient, a multiple of this: the columns of one AVX-512 GEMM panel.</summary>
    private const int FilterChannelBlock = 32;

    private readonly PerImageForwardWork perImageForward = new();
    private readonly PerImageDataWork perImageData = new();
    private readonly PerImageFilterWork perImageFilter = new();
    private CpuGemm[]? workerGemms;
    private WorkerPool[]? workerGemmPools;

    /// <summary>One single-threaded GEMM per worker, made on first use.</summary>
    private CpuGemm[] WorkerGemms()
    {
        if (workerGemms is not null) return workerGemms;
        workerGemmPools = new WorkerPool[Threads];
        var gemms = new CpuGemm[Threads];
        for (int w = 0; w < Threads; w++)
        {
            workerGemmPools[w] = new WorkerPool(1);
            gemms[w] = new CpuGemm(workerGemmPools[w], gemm.Path);
        }
        return workerGemms = gemms;
    }

    private void DisposeWorkerGemms()
    {
        if (workerGemms is null) return;
        foreach (var g in workerGemms) g.Dispose();
        foreach (var p in workerGemmPools!) p.Dispose();
        workerGemms = null;
    }

    /// <summary>Floats of one image's column matrix, rounded to whole cache lines.</summary>
    private static long ImageColumnFloats(Conv2dShape s) => ((long)s.C * s.KH * s.KW * s.OH * s.OW + 15) / 16 * 16;

    /// <summary>Whether the forward pass and the input gradient of an im2col shape go image by image: one image's columns per worker fit the whole-batch workspace.</summary>
    internal bool PerImagePlanes(Conv2dShape s) => Threads * ImageColumnFloats(s) <= s.WorkspaceFloats;

    private void PerImageForward(float* x, float* w, float* bias, bool relu, float* y, Conv2dShape s, float* workspace)
    {
        perImageForward.Set(x, w, bias, relu, y, s, workspace, WorkerGemms());
        pool.Run(perImageForward, s.N);
    }

    private void PerImageBackwardData(float* dy, float* w, float* dx, Conv2dShape s, float* workspace)
    {
        perImageData.Set(dy, w, dx, s, workspace, WorkerGemms());
        pool.Run(perImageData, s.N);
    }

    /// <summary>
    /// The weight gradient's cut into blocks of output channels by blocks of taps, for <paramref name="threads"/>
    /// workers: the taps (the product's rows) into up to one block per worker, whole register tiles
    /// and at least <see cref="FilterMinTaps"/> each; the channels (its vector columns) into as many
    /// blocks of whole panels as leaves a task per worker. Each task's scratch is its taps' rows for
    /// one image and two blocks of products (the image's and the sum).
    /// </summary>
    private static (int ChannelBlock, int TapBlock, int Tasks, long TaskFloats) FilterBlocks(Conv2dShape s, int threads)
    {
        int taps = s.C * s.KH * s.KW, p = s.OH * s.OW;
        // At least FilterMinTaps taps a block: a thinner product pads its GEMM panels (or splits its packing) more than a second worker saves.
        int tapBlocks = Math.Clamp(threads, 1, Math.Max(1, taps / FilterMinTaps));
        int tapBlock = ((taps + tapBlocks - 1) / tapBlocks + FilterTapBlock - 1) / FilterTapBlock * FilterTapBlock;
        tapBlocks = (taps + tapBlock - 1) / tapBlock;
        int channelBlocks = Math.Clamp(threads / tapBlocks, 1, Math.Min(s.N, (s.O + FilterChannelBlock - 1) / FilterChannelBlock));
        int channelBlock = ((s.O + channelBlocks - 1) / channelBlocks + FilterChannelBlock - 1) / FilterChannelBlock * FilterChannelBlock;
        channelBlocks = (s.O + channelBlock - 1) / channelBlock;
        long taskFloats = ((long)Math.Min(tapBlock, taps) * p + 2L * Math.Min(channelBlock, s.O) * Math.Min(tapBlock, taps) + 15) / 16 * 16;
        return (channelBlock, tapBlock, channelBlocks * tapBlocks, taskFloats);
    }

    /// <summary>
    /// Whether the weight gradient of an im2col shape goes image by image: its one-task cut (one
    /// block of all taps by all channels) fits the whole-batch workspace. A condition on the shape
    /// alone; where more workers' cut would not fit, they take this one-task cut.
    /// </summary>
    internal static bool PerImageFilter(Conv2dShape s)
    {
        var (_, _, tasks, taskFloats) = FilterBlocks(s, 1);
        return tasks * taskFloats <= s.WorkspaceFloats;
    }

    private void PerImageBackwardFilter(float* x, float* dy, float* dw, Conv2dShape s, float* workspace)
    {
        var (channelBlock, tapBlock, tasks, taskFloats) = FilterBlocks(s, Threads);
        if (tasks * taskFloats > s.WorkspaceFloats) (channelBlock, tapBlock, tasks, taskFloats) = FilterBlocks(s, 1);
        perImageFilter.Set(x, dy, dw, s, workspace, WorkerGemms(), channelBlock, tapBlock, taskFloats);
        pool.Run(perImageFilter, tasks);
    }

    /// <summary>Task n: image n's columns in the worker's scratch, W times them into y[n], then the epilogue.</summary>
    private sealed class PerImageForwardWork : ParallelWork
    {
        private float* x, w, bias, y, workspace;
        private bool relu;
        private Conv2dShape s;
        private CpuGemm[] gemms = [];

        public void Set(float* x, float* w, float* bias, bool relu, float* y, Conv2dShape s, float* workspace, CpuGemm[] gemms)
        {
            this.x = x; this.w = w; this.bias = bias; this.relu = relu; this.y = y; this.s = s; this.workspace = workspace; this.gemms = gemms;
        }

        public override void Execute(int task, int worker)
        {
            int taps = s.C * s.KH * s.KW, p = s.OH * s.OW;
            float* col = workspace + worker * ImageColumnFloats(s);
            float* image = y + (long)task * s.O * p;
            ColumnMatrix.Gather(x, task, 0, taps, col, p, s);
            gemms[worker].Run(w, col, image, GemmShape.For(s.O, p, taps, false, false), GemmEpilogue.None, null, null);
            if (bias is null && !relu) return;
            for (int o = 0; o < s.O; o++)
                VectorRows.Epilogue(image + (long)o * p, image + (long)o * p, p, bias is null ? 0f : bias[o], bias is not null, relu);
        }
    }

    /// <summary>Task n: Wᵀ times dy[n] into the worker's scratch, then col2im into dx[n]'s planes.</summary>
    private sealed class PerImageDataWork : ParallelWork
    {
        private float* dy, w, dx, workspace;
        private Conv2dShape s;
        private CpuGemm[] gemms = [];

        public void Set(float* dy, float* w, float* dx, Conv2dShape s, float* workspace, CpuGemm[] gemms)
        {
            this.dy = dy; this.w = w; this.dx = dx; this.s = s; this.workspace = workspace; this.gemms = gemms;
        }

        public override void Execute(int task, int worker)
        {
            int taps = s.C * s.KH * s.KW, p = s.OH * s.OW;
            float* dcol = workspace + worker * ImageColumnFloats(s);
            gemms[worker].Run(w, dy + (long)task * s.O * p, dcol, GemmShape.For(taps, p, s.O, true, false), GemmEpilogue.None, null, null);
            for (int c = 0; c < s.C; c++)
                ColumnMatrix.Scatter(dcol, p, c, dx + ((long)task * s.C + c) * s.H * s.W, s);
        }
    }

    /// <summary>
    /// Task (channel block, tap block): for each image in order, its taps' rows of the column matrix
    /// times the transpose of dy[n]'s rows of the block, the product [taps, channels] added into the
    /// task's sum (the first image's product is the sum); the sum is then written transposed into dW's block.
    /// The product is taken in that orientation so the GEMM stores its tiles as whole vectors.
    /// </summary>
    private sealed class PerImageFilterWork : ParallelWork
    {
        private float* x, dy, dw, workspace;
        private Conv2dShape s;
        private CpuGemm[] gemms = [];
        private int channelBlock, tapBlock;
        private long taskFloats;

        public void Set(float* x, float* dy, float* dw, Conv2dShape s, float* workspace, CpuGemm[] gemms, int channelBlock, int tapBlock, long taskFloats)
        {
            this.x = x; this.dy = dy; this.dw = dw; this.s = s; this.workspace = workspace; this.gemms = gemms;
            this.channelBlock = channelBlock; this.tapBlock = tapBlock; this.taskFloats = taskFloats;
        }

        public override void Execute(int task, int worker)
        {
            int taps = s.C * s.KH * s.KW, p = s.OH * s.OW;
            int tapBlocks = (taps + tapBlock - 1) / tapBlock;
            int t0 = task % tapBlocks * tapBlock, tapCount = Math.Min(tapBlock, taps - t0);
            int o0 = task / tapBlocks * channelBlock, rows = Math.Min(channelBlock, s.O - o0);
            float* col = workspace + task * taskFloats;
            float* product = col + (long)tapCount * p;
            float* sum = product + (long)tapCount * rows;
            var shape = GemmShape.For(tapCount, rows, p, false, true);
            for (int n = 0; n < s.N; n++)
            {
                ColumnMatrix.Gather(x, n, t0, t0 + tapCount, col, p, s);
                gemms[worker].Run(col, dy + ((long)n * s.O + o0) * p, n == 0 ? sum : product, shape, GemmEpilogue.None, null, null);
                if (n > 0) VectorRows.Add(product, sum, tapCount * rows);
            }
            for (int o = 0; o < rows; o++)
            {
                float* to = dw + (long)(o0 + o) * taps + t0;
                for (int t = 0; t < tapCount; t++) to[t] = sum[(long)t * rows + o];
            }
        }
    }
}
