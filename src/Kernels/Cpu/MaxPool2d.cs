using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Max pooling and its gradient, as the ILGPU kernels compute them: the gradient recomputes each
/// covering window's argmax (first maximum, row-major) from x and adds the dy of every window that
/// chose the element, in window order. Split over outputs (forward) and input elements (backward).
/// Windows that tile the input (stride = window, LeNet's 2x2 pooling) take a faster path with the
/// same results: each input row band is one task, each window is scanned once, and the backward
/// pass clears the band and writes 0 + dy at each window's argmax (the one window that covers it).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<MaxPoolOp> maxPool = new();
    private readonly RangeWork<MaxPoolBackwardOp> maxPoolBackward = new();
    private readonly RangeWork<TiledMaxPoolOp> tiledMaxPool = new();
    private bool vectorPool2x2 = MaxPool2x2.Supported;

    /// <summary>Whether 2x2 tiled pooling takes the AVX-512 path (<see cref="MaxPool2x2"/>) where the hardware has it; tests switch it off to compare.</summary>
    internal bool VectorPool2x2 { get => vectorPool2x2; set => vectorPool2x2 = value && MaxPool2x2.Supported; }
    private readonly RangeWork<TiledMaxPoolBackwardOp> tiledMaxPoolBackward = new();

    private static bool Tiles(Pool2dShape s) => s.StrideH == s.KH && s.StrideW == s.KW;

    /// <inheritdoc/>
    void ILayerKernels.MaxPool2d(DeviceBuffer x, DeviceBuffer y, Pool2dShape shape)
    {
        if (!Launch(shape.OutputCount)) return;
        if (Tiles(shape))
        {
            tiledMaxPool.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.W));
            RunRange(tiledMaxPool, new TiledMaxPoolOp(x.Float(), y.Float(), shape, vectorPool2x2), (long)shape.N * shape.C * shape.OH);
            return;
        }
        maxPool.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.KW));
        RunRange(maxPool, new MaxPoolOp(x.Float(), y.Float(), shape), shape.OutputCount);
    }

    /// <inheritdoc/>
    void ILayerKernels.MaxPool2dBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape, bool reluMask)
    {
        if (!Launch(shape.InputCount)) return;
        if (Tiles(shape))
        {
            tiledMaxPoolBackward.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.W));
            RunRange(tiledMaxPoolBackward, new TiledMaxPoolBackwardOp(x.Float(), dy.Float(), dx.Float(), shape, vectorPool2x2, reluMask), (long)shape.N * shape.C * shape.OH);
            return;
        }
        maxPoolBackward.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.KW));
        RunRange(maxPoolBackward, new MaxPoolBackwardOp(x.Float(), dy.Float(), dx.Float(), shape, reluMask), shape.InputCount);
    }

    /// <summary>
    /// The index in its plane of window (oh, ow)'s first maximum, row-major (a later element wins only
    /// if strictly greater, so NaN never displaces a number), without branches on the data: random
    /// activations make every comparison a coin toss, which a branch would pay for in mispredictions.
    /// </summary>
    private static int WindowArgmax(float* plane, in Pool2dShape s, int oh, int ow)
    {
        int h0 = oh * s.StrideH, w0 = ow * s.StrideW;
        int best = h0 * s.W + w0;
        float max = plane[best];
        for (int kh = 0; kh < s.KH; kh++)
        {
            int rowStart = (h0 + kh) * s.W + w0;
            float* row = plane + rowStart;
            for (int kw = 0; kw < s.KW; kw++)
            {
                float v = row[kw];
                bool greater = v > max;
                max = greater ? v : max;
                best = greater ? rowStart + kw : best;
            }
        }
        return best;
    }

    /// <summary><see cref="WindowArgmax"/> for a 2x2 window, unrolled.</summary>
    private static int WindowArgmax2x2(float* plane, int w, int first)
    {
        int best = first;
        float max = plane[first], v = plane[first + 1];
        bool greater = v > max;
        max = greater ? v : max;
        best = greater ? first + 1 : best;
        v = plane[first + w];
        greater = v > max;
        max = greater ? v : max;
        best = greater ? first + w : best;
        v = plane[first + w + 1];
        greater = v > max;
        return greater ? first + w + 1 : best;
    }

    private readonly struct MaxPoolOp(float* x, float* y, Pool2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long e = start; e < end; e++)
            {
                int ow = (int)(e % s.OW);
                long r = e / s.OW;
                int oh = (int)(r % s.OH);
                float* plane = x + r / s.OH * s.H * s.W;
                y[e] = plane[WindowArgmax(plane, s, oh, ow)];
            }
        }
    }

    /// <summary>Input elements [start, end): the sum of dy over the windows whose argmax each is; with <paramref name="reluMask"/>, +0 where x is not positive.</summary>
    private readonly struct MaxPoolBackwardOp(float* x, float* dy, float* dx, Pool2dShape s, bool reluMask) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long e = start; e < end; e++)
            {
                int iw = (int)(e % s.W);
                long r = e / s.W;
                int ih = (int)(r % s.H);
                long nc = r / s.H;
                float* plane = x + nc * s.H * s.W;
                int self = ih * s.W + iw;
                float acc = 0f;
                int ohEnd = PoolWindow.LastCovering(ih, s.StrideH, s.OH), owEnd = PoolWindow.LastCovering(iw, s.StrideW, s.OW);
                for (int oh = PoolWindow.FirstCovering(ih, s.KH, s.StrideH); oh <= ohEnd; oh++)
                    for (int ow = PoolWindow.FirstCovering(iw, s.KW, s.StrideW); ow <= owEnd; ow++)
                        if (WindowArgmax(plane, s, oh, ow) == self)
                            acc += dy[(nc * s.OH + oh) * s.OW + ow];
                dx[e] = reluMask && !(plane[self] > 0f) ? 0f : acc;
            }
        }
    }

    /// <summary>Output rows [start, end) of N·C·OH, for windows that tile the input.</summary>
    private readonly struct TiledMaxPoolOp(float* x, float* y, Pool2dShape s, bool vector) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long band = start; band < end; band++)
            {
                int oh = (int)(band % s.OH);
                float* plane = x + band / s.OH * s.H * s.W, row = y + band * s.OW;
                if (s.KH == 2 && s.KW == 2)
                {
                    int first = 2 * oh * s.W, ow = vector ? MaxPool2x2.Forward(plane + first, s.W, s.OW, x + s.InputCount, row) : 0;
                    for (first += 2 * ow; ow < s.OW; ow++, first += 2) row[ow] = plane[WindowArgmax2x2(plane, s.W, first)];
                }
                else
                    for (int ow = 0; ow < s.OW; ow++) row[ow] = plane[WindowArgmax(plane, s, oh, ow)];
            }
        }
    }

    /// <summary>
    /// Input row bands [start, end) of N·C·OH, band oh being rows [oh·KH, oh·KH + KH) (the last band
    /// also the rows below every window): cleared, then 0 + dy at each window's argmax, as the
    /// general kernel's sum over the one covering window gives.
    /// </summary>
    private readonly struct TiledMaxPoolBackwardOp(float* x, float* dy, float* dx, Pool2dShape s, bool vector, bool reluMask) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long band = start; band < end; band++)
            {
                int oh = (int)(band % s.OH);
                long planeOffset = band / s.OH * s.H * s.W;
                float* plane = x + planeOffset, grad = dx + planeOffset, row = dy + band * s.OW;
                int firstRow = oh * s.KH, lastRow = oh == s.OH - 1 ? s.H : firstRow + s.KH;
                new Span<float>(grad + (long)firstRow * s.W, (lastRow - firstRow) * s.W).Clear();
                if (s.KH == 2 && s.KW == 2)
                {
                    int first = 2 * oh * s.W, ow = vector ? MaxPool2x2.Backward(plane + first, s.W, s.OW, x + s.InputCount, row, grad + first, reluMask) : 0;
                    for (first += 2 * ow; ow < s.OW; ow++, first += 2)
                    {
                        int best = WindowArgmax2x2(plane, s.W, first);
                        grad[best] = reluMask && !(plane[best] > 0f) ? 0f : 0f + row[ow];
                    }
                }
                else
                    for (int ow = 0; ow < s.OW; ow++)
                    {
                        int best = WindowArgmax(plane, s, oh, ow);
                        grad[best] = reluMask && !(plane[best] > 0f) ? 0f : 0f + row[ow];
                    }
            }
        }
    }
}
