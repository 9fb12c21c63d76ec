using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The checks of the general pooling and convolution kernels (<see cref="WindowedKeys"/>) against float64 loops written
/// here: forward passes window by window, gradients scattered from each output to what it read (the kernels gather).
/// </summary>
public static partial class KernelSelfTest
{
    /// <summary>One pooling configuration: window, stride, padding, ceil mode, count_include_pad, or an adaptive output size.</summary>
    private readonly record struct PoolCase(int K, int S, int P, bool Ceil, bool IncludePad, int AdaptiveH = 0, int AdaptiveW = 0)
    {
        public bool Adaptive => AdaptiveH > 0;
        public int[] Axes => [K, K, S, S, P, P, IncludePad ? 1 : 0, Adaptive ? 1 : 0];
        public int Out(int size, int axis) => Adaptive ? (axis == 0 ? AdaptiveH : AdaptiveW) : PoolOutput(size, K, S, P, Ceil);
        public override string ToString() => Adaptive ? $"adaptive {AdaptiveH}x{AdaptiveW}"
            : $"k{K} s{S} p{P}{(Ceil ? " ceil" : "")}{(IncludePad ? "" : " exclude-pad")}";
    }

    /// <summary>PyTorch's output size: ⌊(size + 2p − k)/s⌋ + 1, or with ceil mode ⌈…⌉ + 1 less one when the last window would start past the input and left padding.</summary>
    private static int PoolOutput(int size, int k, int s, int p, bool ceil)
    {
        int span = size + 2 * p - k;
        int o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= size + p) o--;
        return o;
    }

    [SelfTestChecks]
    private static void AddWindowedChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        int[] x = [2, 3, 65, 63];
        var fixedCase = new PoolCase(3, 2, 1, true, false);
        var adaptive = new PoolCase(0, 0, 0, false, true, 7, 5);
        foreach (var c in new[] { fixedCase, new PoolCase(4, 3, 2, true, true), adaptive })
        {
            add($"{WindowedKeys.AvgPool} {Shape(x)} {c}", (b, r) => CheckPool(b, r, x, c, max: false, gradient: false));
            add($"{WindowedKeys.AvgPoolGrad} {Shape(x)} {c}", (b, r) => CheckPool(b, r, x, c, max: false, gradient: true));
        }
        var maxCase = fixedCase with { IncludePad = true }; // no divisor: printed without the flag
        add($"{WindowedKeys.MaxPool} {Shape(x)} {maxCase}", (b, r) => CheckPool(b, r, x, maxCase, max: true, gradient: false));
        add($"{WindowedKeys.MaxPoolGrad} {Shape(x)} {maxCase}", (b, r) => CheckPool(b, r, x, maxCase, max: true, gradient: true));
        // groups 3 with stride 2, padding 2, dilation 2; and depthwise (groups = channels, two outputs each).
        int[] gx = [2, 6, 17, 19], gw = [9, 2, 3, 3], dx = [2, 4, 17, 19], dw = [8, 1, 3, 3];
        int[] ga = [2, 2, 2, 2, 2, 2, 3], da = [1, 1, 1, 1, 1, 1, 4];
        for (int pass = 0; pass < 3; pass++)
        {
            string key = pass switch { 0 => WindowedKeys.GroupedConv, 1 => WindowedKeys.GroupedConvData, _ => WindowedKeys.GroupedConvFilter };
            int p = pass;
            add($"{key} x {Shape(gx)} w {Shape(gw)} s2 p2 d2 g3", (b, r) => CheckGroupedConv(b, r, gx, gw, ga, p));
            add($"{key} x {Shape(dx)} w {Shape(dw)} depthwise", (b, r) => CheckGroupedConv(b, r, dx, dw, da, p));
        }
    }

    /// <summary>(start, end, span): a window's bounds clamped into the input, and its span inside the padded input.</summary>
    private static (int Start, int End, int Span) PoolBounds(PoolCase c, int o, int size, int outs)
    {
        if (c.Adaptive)
        {
            int a = (int)Math.Floor((double)o * size / outs), e = (int)Math.Ceiling((double)(o + 1) * size / outs);
            return (a, e, e - a);
        }
        int start = o * c.S - c.P, end = Math.Min(start + c.K, size + c.P);
        return (Math.Max(start, 0), Math.Min(end, size), end - start);
    }

    private static SelfTestResult CheckPool(IKernelBackend backend, Random rng, int[] xs, PoolCase c, bool max, bool gradient)
    {
        int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = c.Out(h, 0), ow = c.Out(w, 1);
        int[] ys = [xs[0], xs[1], oh, ow];
        int inCount = planes * h * w, outCount = planes * oh * ow;
        var x = Uniform(rng, inCount, -2f, 2f);
        var dy = Uniform(rng, outCount);
        var y = new double[outCount];
        var yMagnitude = new double[outCount];
        var dx = new double[inCount];
        var dxMagnitude = new double[inCount];
        var terms = new int[inCount];
        int windowMax = 1;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (h0, h1, hs) = PoolBounds(c, i, h, oh);
                    var (w0, w1, ws) = PoolBounds(c, j, w, ow);
                    double divisor = c.IncludePad ? hs * ws : (h1 - h0) * (w1 - w0);
                    int o = (p * oh + i) * ow + j, best = -1;
                    windowMax = Math.Max(windowMax, (h1 - h0) * (w1 - w0));
                    for (int a = h0; a < h1; a++)
                        for (int b = w0; b < w1; b++)
                        {
                            int e = (p * h + a) * w + b;
                            if (max)
                            {
                                if (best < 0 || x[e] > x[best]) best = e;
                                continue;
                            }
                            y[o] += x[e] / divisor;
                            yMagnitude[o] += Math.Abs(x[e]) / divisor;
                            dx[e] += dy[o] / divisor;
                            dxMagnitude[e] += Math.Abs(dy[o] / divisor);
                            terms[e]++;
                        }
                    if (max)
                    {
                        y[o] = x[best];
                        dx[best] += dy[o];
                        dxMagnitude[best] += Math.Abs(dy[o]);
                        terms[best]++;
                    }
                }
        using var buffers = new Buffers(backend);
        var dX = buffers.Put(x);
        var dDy = buffers.Put(dy);
        if (!gradient)
        {
            var dY = buffers.Output(outCount);
            var launch = backend.Kernels.Bind(max ? WindowedKeys.MaxPool : WindowedKeys.AvgPool, Call([dX], [xs], dY, ys) with { Axes = c.Axes });
            double ms = Time(backend, launch);
            return CompareOutput(buffers, dY, outCount, y, o => max ? 0 : ErrorBounds.Sum(windowMax + 1, yMagnitude[o]), ms);
        }
        var dDx = buffers.Output(inCount);
        var call = max ? Call([dX, dDy], [xs, ys], dDx, xs) : Call([dDy], [ys], dDx, xs);
        var gradLaunch = backend.Kernels.Bind(max ? WindowedKeys.MaxPoolGrad : WindowedKeys.AvgPoolGrad, call with { Axes = c.Axes });
        double gms = Time(backend, gradLaunch);
        return CompareOutput(buffers, dDx, inCount, dx, e => ErrorBounds.Sum(2 * terms[e] + 1, dxMagnitude[e]), gms);
    }

    /// <summary>Pass 0 the forward output, 1 the input gradient, 2 the weight gradient, each against float64 loops over every tap.</summary>
    private static SelfTestResult CheckGroupedConv(IKernelBackend backend, Random rng, int[] xs, int[] ws, int[] a, int pass)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int sh = a[0], sw = a[1], ph = a[2], pw = a[3], dh = a[4], dw = a[5], groups = a[6], og = o / groups;
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        int[] ys = [n, o, oh, ow];
        var x = Uniform(rng, n * c * h * wd);
        var w = Uniform(rng, o * cg * kh * kw);
        var dy = Uniform(rng, n * o * oh * ow);
        var y = new double[dy.Length];
        var dx = new double[x.Length];
        var dwt = new double[w.Length];
        var magnitude = new double[pass switch { 0 => y.Length, 1 => x.Length, _ => w.Length }];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        int yi = ((b * o + oc) * oh + i) * ow + j;
                        for (int ci = 0; ci < cg; ci++)
                            for (int p = 0; p < kh; p++)
                                for (int q = 0; q < kw; q++)
                                {
                                    int ih = i * sh - ph + p * dh, iw = j * sw - pw + q * dw;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    int xi = ((b * c + oc / og * cg + ci) * h + ih) * wd + iw, wi = ((oc * cg + ci) * kh + p) * kw + q;
                                    y[yi] += (double)x[xi] * w[wi];
                                    dx[xi] += (double)dy[yi] * w[wi];
                                    dwt[wi] += (double)dy[yi] * x[xi];
                                    if (pass == 0) magnitude[yi] += Math.Abs((double)x[xi] * w[wi]);
                                    else if (pass == 1) magnitude[xi] += Math.Abs((double)dy[yi] * w[wi]);
                                    else magnitude[wi] += Math.Abs((double)dy[yi] * x[xi]);
                                }
                    }
        using var buffers = new Buffers(backend);
        var dX = buffers.Put(x);
        var dW = buffers.Put(w);
        var dDy = buffers.Put(dy);
        int depth = pass switch { 0 => cg * kh * kw, 1 => og * kh * kw, _ => n * oh * ow };
        var (key, call, output, expected) = pass switch
        {
            0 => (WindowedKeys.GroupedConv, Call([dX, dW], [xs, ws], buffers.Output(y.Length), ys), y.Length, y),
            1 => (WindowedKeys.GroupedConvData, Call([dDy, dW], [ys, ws], buffers.Output(x.Length), xs), x.Length, dx),
            _ => (WindowedKeys.GroupedConvFilter, Call([dX, dDy], [xs, ys], buffers.Output(w.Length), ws), w.Length, dwt),
        };
        double ms = Time(backend, backend.Kernels.Bind(key, call with { Axes = a }));
        return CompareOutput(buffers, call.Outputs[0], output, expected, i => ErrorBounds.Gemm(depth, magnitude[i]), ms);
    }
}
