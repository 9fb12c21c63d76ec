using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Max pooling and its gradient, as the ILGPU kernels compute them: the gradient recomputes each
/// covering window's argmax (first maximum, row-major) from x and adds the dy of every window that
/// chose the element, in window order. Split over outputs (forward) and input elements (backward).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<MaxPoolOp> maxPool = new();
    private readonly RangeWork<MaxPoolBackwardOp> maxPoolBackward = new();

    public void MaxPool2d(DeviceBuffer x, DeviceBuffer y, Pool2dShape shape)
    {
        if (!Launch(shape.OutputCount)) return;
        maxPool.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.KW));
        RunRange(maxPool, new MaxPoolOp(x.Float(), y.Float(), shape), shape.OutputCount);
    }

    public void MaxPool2dBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape)
    {
        if (!Launch(shape.InputCount)) return;
        maxPoolBackward.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.KH * shape.KW));
        RunRange(maxPoolBackward, new MaxPoolBackwardOp(x.Float(), dy.Float(), dx.Float(), shape), shape.InputCount);
    }

    private static int WindowArgmax(float* plane, Pool2dShape s, int oh, int ow)
    {
        int h0 = oh * s.StrideH, w0 = ow * s.StrideW;
        int best = h0 * s.W + w0;
        float max = plane[best];
        for (int kh = 0; kh < s.KH; kh++)
        {
            float* row = plane + (h0 + kh) * s.W + w0;
            for (int kw = 0; kw < s.KW; kw++)
                if (row[kw] > max) { max = row[kw]; best = (h0 + kh) * s.W + w0 + kw; }
        }
        return best;
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

    private readonly struct MaxPoolBackwardOp(float* x, float* dy, float* dx, Pool2dShape s) : IRangeOp
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
                dx[e] = acc;
            }
        }
    }
}
