using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The general pooling kernels (<see cref="WindowedKeys"/>): average and maximum over windows with padding, ceil mode or
/// adaptive bounds, and their gradients, one element per thread step with a grid stride. The same float operations in
/// the same order as the native backend's loops, so both give the same bits.
/// </summary>
public sealed partial class IlgpuBackend
{
    private void RegisterWindowedKernels(KernelTable table)
    {
        RegisterPool(table, WindowedKeys.AvgPool, WindowAvgPoolKernel, false);
        RegisterPool(table, WindowedKeys.AvgPoolGrad, WindowAvgPoolGradKernel, true);
        RegisterPool(table, WindowedKeys.MaxPool, WindowMaxPoolKernel, false);
        RegisterPool(table, WindowedKeys.MaxPoolGrad, WindowMaxPoolGradKernel, true);
        RegisterGroupedConv(table);
    }

    /// <summary>Registers a pooling kernel taking (x or dy, the last input, output); a gradient's geometry comes from its output and last input.</summary>
    private void RegisterPool(KernelTable table, string key,
        Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolWindowGeometry, int> body, bool gradient)
    {
        var compiled = Compiled(() => accelerator.LoadAutoGroupedStreamKernel(body));
        table.Register(key, call =>
        {
            var geometry = gradient
                ? PoolWindowGeometry.For(call.OutputShapes[0], call.InputShapes[^1], call.Axes)
                : PoolWindowGeometry.For(call.InputShapes[0], call.OutputShapes[0], call.Axes);
            int count = gradient ? geometry.InputCount : geometry.OutputCount;
            if (Empty(count)) return null;
            var kernel = compiled.Value;
            ArrayView<float> a = call.Inputs[0].Float(), b = call.Inputs[^1].Float(), y = call.Outputs[0].Float();
            int t = Threads(count);
            return () => kernel(t, a, b, y, geometry, t);
        });
    }

    internal static void WindowAvgPoolKernel(Index1D thread, ArrayView<float> x, ArrayView<float> unused, ArrayView<float> y, PoolWindowGeometry g, int stride)
    {
        for (int i = thread; i < g.OutputCount; i += stride)
        {
            int plane = i / (g.OH * g.OW), r = i % (g.OH * g.OW), oh = r / g.OW, ow = r % g.OW;
            int h0 = g.RowStart(oh), h1 = g.RowEnd(oh), w0 = g.ColStart(ow), w1 = g.ColEnd(ow);
            int p = plane * g.H * g.W;
            float sum = 0f;
            for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++) sum += x[p + h * g.W + w];
            y[i] = sum / g.Divisor(oh, ow);
        }
    }

    internal static void WindowAvgPoolGradKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> unused, ArrayView<float> dx, PoolWindowGeometry g, int stride)
    {
        for (int i = thread; i < g.InputCount; i += stride)
        {
            int plane = i / (g.H * g.W), r = i % (g.H * g.W), h = r / g.W, w = r % g.W;
            int d = plane * g.OH * g.OW;
            int oh0 = g.FirstCovering(h, g.H, g.OH, g.KH, g.SH, g.PH), oh1 = g.LastCovering(h, g.H, g.OH, g.KH, g.SH, g.PH);
            int ow0 = g.FirstCovering(w, g.W, g.OW, g.KW, g.SW, g.PW), ow1 = g.LastCovering(w, g.W, g.OW, g.KW, g.SW, g.PW);
            float sum = 0f;
            for (int oh = oh0; oh <= oh1; oh++)
            {
                if (h < g.RowStart(oh) || h >= g.RowEnd(oh)) continue;
                for (int ow = ow0; ow <= ow1; ow++)
                {
                    if (w < g.ColStart(ow) || w >= g.ColEnd(ow)) continue;
                    sum += dy[d + oh * g.OW + ow] / g.Divisor(oh, ow);
                }
            }
            dx[i] = sum;
        }
    }

    /// <summary>The index in its plane (starting at <paramref name="p"/>) of the first maximum of output (oh, ow)'s window.</summary>
    private static int WindowArgMax(ArrayView<float> x, int p, PoolWindowGeometry g, int oh, int ow)
    {
        int h0 = g.RowStart(oh), h1 = g.RowEnd(oh), w0 = g.ColStart(ow), w1 = g.ColEnd(ow);
        int best = h0 * g.W + w0;
        float max = x[p + best];
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
            {
                float v = x[p + h * g.W + w];
                if (v > max)
                {
                    max = v;
                    best = h * g.W + w;
                }
            }
        return best;
    }

    internal static void WindowMaxPoolKernel(Index1D thread, ArrayView<float> x, ArrayView<float> unused, ArrayView<float> y, PoolWindowGeometry g, int stride)
    {
        for (int i = thread; i < g.OutputCount; i += stride)
        {
            int plane = i / (g.OH * g.OW), r = i % (g.OH * g.OW);
            int p = plane * g.H * g.W;
            y[i] = x[p + WindowArgMax(x, p, g, r / g.OW, r % g.OW)];
        }
    }

    internal static void WindowMaxPoolGradKernel(Index1D thread, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, PoolWindowGeometry g, int stride)
    {
        for (int i = thread; i < g.InputCount; i += stride)
        {
            int plane = i / (g.H * g.W), r = i % (g.H * g.W), h = r / g.W, w = r % g.W;
            int p = plane * g.H * g.W, d = plane * g.OH * g.OW;
            int oh0 = g.FirstCovering(h, g.H, g.OH, g.KH, g.SH, g.PH), oh1 = g.LastCovering(h, g.H, g.OH, g.KH, g.SH, g.PH);
            int ow0 = g.FirstCovering(w, g.W, g.OW, g.KW, g.SW, g.PW), ow1 = g.LastCovering(w, g.W, g.OW, g.KW, g.SW, g.PW);
            float sum = 0f;
            for (int oh = oh0; oh <= oh1; oh++)
                for (int ow = ow0; ow <= ow1; ow++)
                    if (WindowArgMax(x, p, g, oh, ow) == r) sum += dy[d + oh * g.OW + ow];
            dx[i] = sum;
        }
    }
}
