using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// AvgPool2d (both divisors, padding, ceil mode), AdaptiveAvgPool2d (global among them) and MaxPool2d with padding and ceil
/// mode against float64 window loops written here from PyTorch's rules, gradients against finite differences, eager equal
/// to compiled, at awkward sizes.
/// </summary>
public sealed class PoolingTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    /// <summary>x shape, kernel, stride, padding, ceil mode, count_include_pad.</summary>
    private static readonly (int[] X, int K, int S, int P, bool Ceil, bool IncludePad)[] Windows =
    [
        ([2, 3, 7, 65], 3, 2, 1, true, true),
        ([1, 2, 63, 7], 3, 2, 1, true, false),
        ([1, 1, 257, 1], 2, 2, 1, true, true),
        ([3, 1, 5, 6], 4, 3, 2, false, false),
        ([1, 2, 1, 7], 3, 1, 1, false, true),
    ];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void AvgPool2d_matches_float64_windows(DeviceKind device)
    {
        foreach (var (xs, k, s, p, ceil, include) in Windows)
        {
            var x = PrimitiveCheck.Uniform(xs[2] * 13 + xs[3], PrimitiveCheck.Count(xs), -2f, 2f);
            int oh = Out(xs[2], k, s, p, ceil), ow = Out(xs[3], k, s, p, ceil);
            PrimitiveCheck.Run(sessions.Get(device), $"avgpool{string.Join("x", xs)}k{k}s{s}p{p}{ceil}{include}",
                t => Ops.AvgPool2d(t[0], k, k, s, s, p, p, ceil, include), [xs], [x], [xs[0], xs[1], oh, ow],
                v => Pool(v[0], xs, oh, ow, (o, size, outs) => Fixed(o, size, k, s, p), include, max: false));
        }
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void AdaptiveAvgPool2d_matches_float64_windows(DeviceKind device)
    {
        foreach (var (xs, oh, ow) in new (int[], int, int)[] { ([2, 3, 7, 65], 3, 5), ([1, 2, 63, 1], 5, 1), ([2, 4, 5, 7], 1, 1), ([1, 1, 3, 4], 7, 9) })
        {
            var x = PrimitiveCheck.Uniform(xs[2] * 17 + xs[3], PrimitiveCheck.Count(xs), -2f, 2f);
            PrimitiveCheck.Run(sessions.Get(device), $"adaptive{string.Join("x", xs)}to{oh}x{ow}",
                t => Ops.AdaptiveAvgPool2d(t[0], oh, ow), [xs], [x], [xs[0], xs[1], oh, ow],
                v => Pool(v[0], xs, oh, ow, Adaptive, includePad: true, max: false));
        }
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void MaxPool2d_with_padding_and_ceil_mode_matches_float64_windows(DeviceKind device)
    {
        foreach (var (xs, k, s, p, ceil, _) in Windows)
        {
            // Negative inputs: a padded zero would win a window if padding took part.
            var x = PrimitiveCheck.Uniform(xs[2] * 19 + xs[3], PrimitiveCheck.Count(xs), -3f, -0.5f);
            int oh = Out(xs[2], k, s, p, ceil), ow = Out(xs[3], k, s, p, ceil);
            PrimitiveCheck.Run(sessions.Get(device), $"maxpool{string.Join("x", xs)}k{k}s{s}p{p}{ceil}",
                t => Ops.MaxPool2d(t[0], k, k, s, s, p, p, ceil), [xs], [x], [xs[0], xs[1], oh, ow],
                v => Pool(v[0], xs, oh, ow, (o, size, outs) => Fixed(o, size, k, s, p), includePad: true, max: true));
        }
    }

    /// <summary>Without padding, and where ceil mode adds no window, the padded overload is the tuned max pooling: same bits.</summary>
    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void MaxPool2d_without_padding_is_the_tuned_kernel(DeviceKind device)
    {
        var session = sessions.Get(device);
        int[] xs = [2, 3, 8, 8];
        var x = session.ToDevice(new Trainer.Training.Data.HostTensor(xs, PrimitiveCheck.Uniform(5, PrimitiveCheck.Count(xs), -1f, 1f)));
        var tuned = Ops.MaxPool2d(x, 2, 2, 2, 2).ToFloatArray();
        Assert.Equal(tuned, Ops.MaxPool2d(x, 2, 2, 2, 2, 0, 0, ceilMode: true).ToFloatArray());
        var padded = Ops.MaxPool2d(x, 2, 2, 2, 2, 1, 1).ToFloatArray();
        Assert.Equal(2 * 3 * 5 * 5, padded.Length);
        session.EndStep();
    }

    [Fact]
    public void Padding_over_half_the_window_is_one_line()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var x = session.ToDevice(new Trainer.Training.Data.HostTensor([1, 1, 5, 5], new float[25]));
        var e = Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => Ops.AvgPool2d(x, 2, 2, 1, 1, 2, 2));
        Assert.Equal("AvgPool2d[kernel=2x2,stride=1x1,pad=2x2]: padding must be non-negative and at most half the window (inputs: [1,1,5,5] float32)", e.Message);
        session.EndStep();
    }

    /// <summary>PyTorch's output size, written out: floor or ceil, and the last window must start inside the input or left padding.</summary>
    private static int Out(int size, int k, int s, int p, bool ceil)
    {
        double raw = (size + 2.0 * p - k) / s;
        int o = (int)(ceil ? Math.Ceiling(raw) : Math.Floor(raw)) + 1;
        return ceil && (o - 1) * s >= size + p ? o - 1 : o;
    }

    /// <summary>A fixed window: (first, last + 1) clamped into the input, and its extent inside the padded input.</summary>
    private static (int Start, int End, int Padded) Fixed(int o, int size, int k, int s, int p)
    {
        int start = o * s - p, end = Math.Min(start + k, size + p);
        return (Math.Max(start, 0), Math.Min(end, size), end - start);
    }

    private static (int Start, int End, int Padded) Adaptive(int o, int size, int outs)
    {
        int start = (int)Math.Floor((double)o * size / outs), end = (int)Math.Ceiling((double)(o + 1) * size / outs);
        return (start, end, end - start);
    }

    private static double[] Pool(double[] x, int[] xs, int oh, int ow, Func<int, int, int, (int Start, int End, int Padded)> window, bool includePad, bool max)
    {
        int planes = xs[0] * xs[1], h = xs[2], w = xs[3];
        var y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (h0, h1, hp) = window(i, h, oh);
                    var (w0, w1, wp) = window(j, w, ow);
                    double acc = max ? double.NegativeInfinity : 0;
                    for (int a = h0; a < h1; a++)
                        for (int b = w0; b < w1; b++)
                            acc = max ? Math.Max(acc, x[(p * h + a) * w + b]) : acc + x[(p * h + a) * w + b];
                    y[(p * oh + i) * ow + j] = max ? acc : acc / (includePad ? hp * wp : (h1 - h0) * (w1 - w0));
                }
        return y;
    }
}
