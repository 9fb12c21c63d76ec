using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Max pooling and its gradient. The gradient recomputes each covering window's argmax (first
/// maximum, row-major) from x, one thread per input element, adding the dy of every window that
/// chose it in window order: no stored indices, no atomics, deterministic.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2dShape, long, int> maxPool = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2dShape, long, int, int> maxPoolBackward = null!;

    private void LoadMaxPool2d()
    {
        maxPool = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2dShape, long, int>(MaxPoolKernel);
        maxPoolBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2dShape, long, int, int>(MaxPoolBackwardKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.MaxPool2d(DeviceBuffer x, DeviceBuffer y, Pool2dShape shape)
    {
        long count = shape.OutputCount;
        if (count <= 0) return;
        LaunchCount++;
        int t = Threads((int)Math.Min(count, int.MaxValue));
        maxPool(t, x.Float(), y.Float(), shape, count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.MaxPool2dBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape, bool reluMask)
    {
        long count = shape.InputCount;
        if (count <= 0) return;
        LaunchCount++;
        int t = Threads((int)Math.Min(count, int.MaxValue));
        maxPoolBackward(t, x.Float(), dy.Float(), dx.Float(), shape, count, t, reluMask ? 1 : 0);
    }

    /// <summary>The flat index, within its plane, of the first maximum of window (oh, ow) of the plane at <paramref name="plane"/>.</summary>
    internal static int WindowArgmax(ArrayView<float> x, long plane, Pool2dShape s, int oh, int ow)
    {
        int h0 = oh * s.StrideH, w0 = ow * s.StrideW;
        int best = h0 * s.W + w0;
        float max = x[plane + best];
        for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int k = (h0 + kh) * s.W + w0 + kw;
                if (x[plane + k] > max) { max = x[plane + k]; best = k; }
            }
        return best;
    }

    internal static void MaxPoolKernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, Pool2dShape s, long count, int stride)
    {
        for (long e = thread; e < count; e += stride)
        {
            int ow = (int)(e % s.OW);
            long r = e / s.OW;
            int oh = (int)(r % s.OH);
            long nc = r / s.OH;
            long plane = nc * s.H * s.W;
            y[e] = x[plane + WindowArgmax(x, plane, s, oh, ow)];
        }
    }

    /// <summary>dx at input element e: the sum of dy over the windows whose argmax e is; with <paramref name="reluMask"/> 1, +0 where x[e] is not positive.</summary>
    internal static void MaxPoolBackwardKernel(Index1D thread, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, Pool2dShape s, long count, int stride, int reluMask)
    {
        for (long e = thread; e < count; e += stride)
        {
            int iw = (int)(e % s.W);
            long r = e / s.W;
            int ih = (int)(r % s.H);
            long nc = r / s.H;
            long plane = nc * s.H * s.W;
            int self = ih * s.W + iw;
            float acc = 0f;
            int ohEnd = PoolWindow.LastCovering(ih, s.StrideH, s.OH), owEnd = PoolWindow.LastCovering(iw, s.StrideW, s.OW);
            for (int oh = PoolWindow.FirstCovering(ih, s.KH, s.StrideH); oh <= ohEnd; oh++)
                for (int ow = PoolWindow.FirstCovering(iw, s.KW, s.StrideW); ow <= owEnd; ow++)
                    if (WindowArgmax(x, plane, s, oh, ow) == self)
                        acc += dy[(nc * s.OH + oh) * s.OW + ow];
            dx[e] = reluMask != 0 && !(x[e] > 0f) ? 0f : acc;
        }
    }
}
