using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The direct stride-1 convolutions (<see cref="DirectConvGeometry"/>, <see cref="DirectConvKernels"/>):
/// <list type="bullet">
/// <item>forward: one task per (image, block of up to 8 output channels) copies the image's planes
/// zero-padded into its worker's scratch, correlates them with the filter on the wide grid there
/// and copies the real columns out to NCHW, adding the
/// bias and applying ReLU on the way (the same operations as <see cref="Ops.KernelKeys.ChannelBiasAdd"/> and
/// <see cref="Ops.KernelKeys.Relu"/>);</item>
/// <item>data gradient: the same correlation of dy padded by (KH−1−PadH, KW−1−PadW) with the
/// filter flipped and transposed to [C, O, KH, KW];</item>
/// <item>filter gradient: x padded and dy laid out on the wide grid (zero in the discarded columns) for
/// the whole batch in the workspace, then one task
/// per (block of up to 4 output channels, input channel, group of up to 6 taps) sums over the whole batch.</item>
/// </list>
/// Every output is computed by one task in a fixed order, so results do not depend on the thread count.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int TapBlock = 6, FilterChannels = 4;

    private readonly RangeWork<PadPlanesOp> padPlanes = new();
    private readonly RangeWork<WidePlanesOp> widePlanes = new();
    private readonly CorrelateWork correlate = new();
    private readonly RangeWork<FilterGradientOp> filterGradient = new();

    /// <summary>Whether this backend takes the direct kernels where they apply (512-bit vectors in hardware; tests may switch it).</summary>
    internal bool DirectConvolutions { get; set; } = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;

    private bool UsesDirect(Conv2dShape s) => DirectConvolutions && DirectConvGeometry.Applies(s);

    private void DirectForward(float* x, float* w, float* bias, bool relu, float* y, Conv2dShape s, float* workspace)
    {
        Correlate(x, w, (long)s.C * s.KH * s.KW, workspace, y, bias, relu, DirectConvGeometry.Forward(s));
    }

    private void DirectBackwardData(float* dy, float* w, float* dx, Conv2dShape s, float* workspace)
    {
        var g = DirectConvGeometry.BackwardData(s);
        float* flipped = workspace;
        int taps = g.Taps;
        for (int o = 0; o < s.O; o++)
            for (int c = 0; c < s.C; c++)
                for (int t = 0; t < taps; t++)
                    flipped[((long)c * s.O + o) * taps + taps - 1 - t] = w[((long)o * s.C + c) * taps + t];
        Correlate(dy, flipped, (long)s.O * taps, workspace + DirectConvGeometry.FlippedFloats(s), dx, null, false, g);
    }

    private void DirectBackwardFilter(float* x, float* dy, float* dw, Conv2dShape s, float* workspace)
    {
        var g = DirectConvGeometry.Forward(s);
        float* xpad = workspace, dyw = workspace + g.PaddedFloats;
        Pad(x, xpad, g);
        widePlanes.Chunk = Math.Max(1, ElementwiseChunk / g.Wide);
        RunRange(widePlanes, new WidePlanesOp(dy, dyw, g), (long)g.N * g.Out);
        int groups = (g.Taps + TapBlock - 1) / TapBlock;
        int groupSize = (g.Taps + groups - 1) / groups;
        filterGradient.Chunk = 1;
        int channelBlocks = (g.Out + FilterChannels - 1) / FilterChannels;
        RunRange(filterGradient, new FilterGradientOp(xpad, dyw, dw, g, groups, groupSize, (g.Out + channelBlocks - 1) / channelBlocks), (long)channelBlocks * g.In * groups);
    }

    private void Pad(float* x, float* xpad, in DirectConvGeometry g)
    {
        new Span<float>(xpad + g.PaddedFloats - g.Slack, (int)g.Slack).Clear();
        padPlanes.Chunk = (int)Math.Max(1, ElementwiseChunk / g.PaddedPlane);
        RunRange(padPlanes, new PadPlanesOp(x, xpad, g), (long)g.N * g.In);
    }

    private void Correlate(float* x, float* w, long wOut, float* scratch, float* y, float* bias, bool relu, in DirectConvGeometry g)
    {
        int blocks = (g.Out + DirectConvGeometry.ChannelBlock - 1) / DirectConvGeometry.ChannelBlock;
        bool perWorker = g.PerWorker(Threads);
        if (!perWorker) Pad(x, scratch, g);
        correlate.Set(x, w, wOut, scratch, y, bias, relu, g, blocks, (g.Out + blocks - 1) / blocks, perWorker);
        pool.Run(correlate, g.N * blocks);
    }

    /// <summary>Planes [start, end) of N·In, each copied into its Hp × Wp zero-padded place.</summary>
    private readonly struct PadPlanesOp(float* x, float* xpad, DirectConvGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long p = start; p < end; p++)
            {
                float* src = x + p * g.H * g.W, dst = xpad + p * g.PaddedPlane;
                new Span<float>(dst, (int)g.PaddedPlane).Clear();
                for (int h = 0; h < g.H; h++) VectorRows.Copy(src + (long)h * g.W, dst + (long)(h + g.PadH) * g.Wp + g.PadW, g.W);
            }
        }
    }

    /// <summary>Output planes [start, end) of N·Out laid out on the wide grid: OW real columns of Wp per row, zero elsewhere.</summary>
    private readonly struct WidePlanesOp(float* y, float* wide, DirectConvGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long p = start; p < end; p++)
            {
                float* src = y + p * g.OH * g.OW, dst = wide + p * g.Wide;
                new Span<float>(dst, g.Wide).Clear();
                for (int h = 0; h < g.OH; h++) VectorRows.Copy(src + (long)h * g.OW, dst + (long)h * g.Wp, g.OW);
            }
        }
    }

    /// <summary>
    /// Tasks of (image, channel block), each in its worker's scratch (or, where per-worker scratch
    /// would take more than the whole batch's, in whole-batch buffers padded before the launch): the
    /// image's planes padded, the block's wide planes correlated, their real columns copied out to
    /// NCHW with the epilogue.
    /// </summary>
    private sealed class CorrelateWork : ParallelWork
    {
        private float* x, w, scratch, y, bias;
        private long wOut;
        private bool relu;
        private DirectConvGeometry g;
        private int blocks, blockSize;
        private bool perWorker;

        public void Set(float* x, float* w, long wOut, float* scratch, float* y, float* bias, bool relu, in DirectConvGeometry g, int blocks, int blockSize, bool perWorker)
        {
            this.x = x; this.w = w; this.wOut = wOut; this.scratch = scratch; this.y = y; this.bias = bias;
            this.relu = relu; this.g = g; this.blocks = blocks; this.blockSize = blockSize; this.perWorker = perWorker;
        }

        public override void Execute(int task, int worker)
        {
            long n = task / blocks;
            int o0 = task % blocks * blockSize, count = Math.Min(blockSize, g.Out - o0);
            float* xpad, planes;
            if (perWorker)
            {
                xpad = scratch + worker * g.WorkerFloats;
                planes = xpad + (g.In * g.PaddedPlane + g.Slack + 15) / 16 * 16;
                new Span<float>(xpad, (int)(g.In * g.PaddedPlane + g.Slack)).Clear();
                float* image = x + n * g.In * g.H * g.W;
                for (int c = 0; c < g.In; c++)
                    for (int h = 0; h < g.H; h++)
                        VectorRows.Copy(image + ((long)c * g.H + h) * g.W, xpad + c * g.PaddedPlane + (long)(h + g.PadH) * g.Wp + g.PadW, g.W);
            }
            else
            {
                // The whole batch was padded before the launch; the wide planes follow it.
                xpad = scratch + n * g.In * g.PaddedPlane;
                planes = scratch + (g.PaddedFloats + 15) / 16 * 16 + (n * g.Out + o0) * g.Wide;
            }
            float* wb = w + o0 * wOut;
            switch (count)
            {
                case 1: DirectConvKernels.Correlate<Count1>(xpad, wb, wOut, planes, g); break;
                case 2: DirectConvKernels.Correlate<Count2>(xpad, wb, wOut, planes, g); break;
                case 3: DirectConvKernels.Correlate<Count3>(xpad, wb, wOut, planes, g); break;
                case 4: DirectConvKernels.Correlate<Count4>(xpad, wb, wOut, planes, g); break;
                case 5: DirectConvKernels.Correlate<Count5>(xpad, wb, wOut, planes, g); break;
                case 6: DirectConvKernels.Correlate<Count6>(xpad, wb, wOut, planes, g); break;
                case 7: DirectConvKernels.Correlate<Count7>(xpad, wb, wOut, planes, g); break;
                default: DirectConvKernels.Correlate<Count8>(xpad, wb, wOut, planes, g); break;
            }
            for (int o = 0; o < count; o++)
            {
                float* from = planes + (long)o * g.Wide, to = y + ((n * g.Out + o0 + o) * g.OH) * g.OW;
                float b = bias is null ? 0f : bias[o0 + o];
                for (int h = 0; h < g.OH; h++)
                    VectorRows.Epilogue(from + (long)h * g.Wp, to + (long)h * g.OW, g.OW, b, bias is not null, relu);
            }
        }
    }

    /// <summary>Tasks [start, end) of (output channel block, input channel, tap group): those filter gradients, each summed over the batch.</summary>
    private readonly struct FilterGradientOp(float* xpad, float* dyw, float* dw, DirectConvGeometry g, int groups, int groupSize, int channelBlock) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long task = start; task < end; task++)
            {
                int group = (int)(task % groups);
                long rest = task / groups;
                int c = (int)(rest % g.In), o0 = (int)(rest / g.In) * channelBlock;
                int t0 = group * groupSize, taps = Math.Min(groupSize, g.Taps - t0);
                float* x = xpad + c * g.PaddedPlane, d = dyw + (long)o0 * g.Wide, out0 = dw + ((long)o0 * g.In + c) * g.Taps + t0;
                long xImage = g.In * g.PaddedPlane, dyImage = (long)g.Out * g.Wide, dwOut = (long)g.In * g.Taps;
                switch (Math.Min(channelBlock, g.Out - o0))
                {
                    case 1: Taps<Count1>(x, xImage, d, dyImage, t0, taps, out0, dwOut, g); break;
                    case 2: Taps<Count2>(x, xImage, d, dyImage, t0, taps, out0, dwOut, g); break;
                    case 3: Taps<Count3>(x, xImage, d, dyImage, t0, taps, out0, dwOut, g); break;
                    default: Taps<Count4>(x, xImage, d, dyImage, t0, taps, out0, dwOut, g); break;
                }
            }
        }

        private static void Taps<TO>(float* x, long xImage, float* d, long dyImage, int t0, int taps, float* dw, long dwOut, in DirectConvGeometry g) where TO : struct, IBlockCount
        {
            switch (taps)
            {
                case 1: DirectConvKernels.FilterTaps<TO, Count1>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
                case 2: DirectConvKernels.FilterTaps<TO, Count2>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
                case 3: DirectConvKernels.FilterTaps<TO, Count3>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
                case 4: DirectConvKernels.FilterTaps<TO, Count4>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
                case 5: DirectConvKernels.FilterTaps<TO, Count5>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
                default: DirectConvKernels.FilterTaps<TO, Count6>(x, xImage, d, dyImage, g.N, t0, dw, dwOut, g); break;
            }
        }
    }
}
