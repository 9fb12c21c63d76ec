using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The general pooling kernels (<see cref="WindowedKeys"/>): average and maximum over windows with padding, ceil mode or
/// adaptive bounds, and their gradients. One output (forward) or one input element (gradient) at a time, its window read in
/// row-major order; a gradient gathers from the windows that hold its element, in output order, so no two tasks write
/// one element and the bits match the ILGPU kernels at any thread count.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private void RegisterWindowedKernels(KernelTable table)
    {
        table.Register(WindowedKeys.AvgPool, call => BindPool<AvgPoolRange>(call, (x, _, y, g) => new AvgPoolRange(x, y, g), false));
        table.Register(WindowedKeys.AvgPoolGrad, call => BindPool<AvgPoolGradRange>(call, (dy, _, dx, g) => new AvgPoolGradRange(dy, dx, g), true));
        table.Register(WindowedKeys.MaxPool, call => BindPool<MaxPoolRange>(call, (x, _, y, g) => new MaxPoolRange(x, y, g), false));
        table.Register(WindowedKeys.MaxPoolGrad, call => BindPool<MaxPoolGradRange>(call, (x, dy, dx, g) => new MaxPoolGradRange(x, dy, dx, g), true));
        RegisterGroupedConv(table);
    }

    /// <summary>Binds a pooling kernel; a gradient's geometry comes from its output (the input's shape) and its last input (dy).</summary>
    private Action? BindPool<TOp>(KernelCall call, Func<nint, nint, nint, PoolWindowGeometry, TOp> create, bool gradient) where TOp : struct, IRangeOp
    {
        var geometry = gradient
            ? PoolWindowGeometry.For(call.OutputShapes[0], call.InputShapes[^1], call.Axes)
            : PoolWindowGeometry.For(call.InputShapes[0], call.OutputShapes[0], call.Axes);
        int count = gradient ? geometry.InputCount : geometry.OutputCount;
        if (count == 0) return null;
        int perElement = gradient ? geometry.KH * geometry.KW * 4 : geometry.KH * geometry.KW;
        if (geometry.Adaptive != 0) perElement = (geometry.H / Math.Max(1, geometry.OH) + 2) * (geometry.W / Math.Max(1, geometry.OW) + 2);
        var work = new RangeWork<TOp> { Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, perElement)) };
        var op = create((nint)call.Inputs[0].Float(), (nint)call.Inputs[^1].Float(), (nint)call.Outputs[0].Float(), geometry);
        return () => RunRange(work, op, count);
    }

    private readonly struct AvgPoolRange(nint xp, nint yp, PoolWindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            float* x = (float*)xp, y = (float*)yp;
            for (long i = start; i < end; i++)
            {
                int plane = (int)(i / (g.OH * g.OW)), r = (int)(i % (g.OH * g.OW)), oh = r / g.OW, ow = r % g.OW;
                int h0 = g.RowStart(oh), h1 = g.RowEnd(oh), w0 = g.ColStart(ow), w1 = g.ColEnd(ow);
                float* p = x + (long)plane * g.H * g.W;
                float sum = 0f;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) sum += p[h * g.W + w];
                y[i] = sum / g.Divisor(oh, ow);
            }
        }
    }

    private readonly struct AvgPoolGradRange(nint dyp, nint dxp, PoolWindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            float* dy = (float*)dyp, dx = (float*)dxp;
            for (long i = start; i < end; i++)
            {
                int plane = (int)(i / (g.H * g.W)), r = (int)(i % (g.H * g.W)), h = r / g.W, w = r % g.W;
                float* d = dy + (long)plane * g.OH * g.OW;
                int oh0 = g.FirstCovering(h, g.H, g.OH, g.KH, g.SH, g.PH), oh1 = g.LastCovering(h, g.H, g.OH, g.KH, g.SH, g.PH);
                int ow0 = g.FirstCovering(w, g.W, g.OW, g.KW, g.SW, g.PW), ow1 = g.LastCovering(w, g.W, g.OW, g.KW, g.SW, g.PW);
                float sum = 0f;
                for (int oh = oh0; oh <= oh1; oh++)
                {
                    if (h < g.RowStart(oh) || h >= g.RowEnd(oh)) continue;
                    for (int ow = ow0; ow <= ow1; ow++)
                    {
                        if (w < g.ColStart(ow) || w >= g.ColEnd(ow)) continue;
                        sum += d[oh * g.OW + ow] / g.Divisor(oh, ow);
                    }
                }
                dx[i] = sum;
            }
        }
    }

    /// <summary>The index in its plane of the first maximum of output (oh, ow)'s window.</summary>
    private static int WindowArgMax(float* p, in PoolWindowGeometry g, int oh, int ow)
    {
        int h0 = g.RowStart(oh), h1 = g.RowEnd(oh), w0 = g.ColStart(ow), w1 = g.ColEnd(ow);
        int best = h0 * g.W + w0;
        float max = p[best];
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
            {
                float v = p[h * g.W + w];
                if (v > max)
                {
                    max = v;
                    best = h * g.W + w;
                }
            }
        return best;
    }

    private readonly struct MaxPoolRange(nint xp, nint yp, PoolWindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            float* x = (float*)xp, y = (float*)yp;
            for (long i = start; i < end; i++)
            {
                int plane = (int)(i / (g.OH * g.OW)), r = (int)(i % (g.OH * g.OW));
                float* p = x + (long)plane * g.H * g.W;
                y[i] = p[WindowArgMax(p, g, r / g.OW, r % g.OW)];
            }
        }
    }

    private readonly struct MaxPoolGradRange(nint xp, nint dyp, nint dxp, PoolWindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            float* x = (float*)xp, dy = (float*)dyp, dx = (float*)dxp;
            for (long i = start; i < end; i++)
            {
                int plane = (int)(i / (g.H * g.W)), r = (int)(i % (g.H * g.W)), h = r / g.W, w = r % g.W;
                float* p = x + (long)plane * g.H * g.W;
                float* d = dy + (long)plane * g.OH * g.OW;
                int oh0 = g.FirstCovering(h, g.H, g.OH, g.KH, g.SH, g.PH), oh1 = g.LastCovering(h, g.H, g.OH, g.KH, g.SH, g.PH);
                int ow0 = g.FirstCovering(w, g.W, g.OW, g.KW, g.SW, g.PW), ow1 = g.LastCovering(w, g.W, g.OW, g.KW, g.SW, g.PW);
                float sum = 0f;
                for (int oh = oh0; oh <= oh1; oh++)
                    for (int ow = ow0; ow <= ow1; ow++)
                        if (WindowArgMax(p, g, oh, ow) == r) sum += d[oh * g.OW + ow];
                dx[i] = sum;
            }
        }
    }
}
