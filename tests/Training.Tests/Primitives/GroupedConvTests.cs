using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// Conv2d with groups (depthwise among them) and dilation against a float64 loop over every tap, both gradients against
/// finite differences, eager equal to compiled, at awkward sizes.
/// </summary>
public sealed class GroupedConvTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    /// <summary>x, w, stride, padding, dilation (H, W), groups.</summary>
    private static readonly (int[] X, int[] W, int S, int P, int DH, int DW, int G)[] Cases =
    [
        ([2, 6, 9, 7], [9, 2, 3, 3], 2, 2, 2, 2, 3),
        ([1, 4, 7, 65], [8, 1, 3, 3], 1, 1, 1, 1, 4),
        ([1, 2, 63, 5], [3, 2, 2, 3], 1, 0, 3, 1, 1),
        ([1, 1, 1, 257], [2, 1, 1, 3], 3, 1, 1, 2, 1),
        ([1, 7, 5, 5], [7, 1, 3, 3], 1, 1, 2, 2, 7),
    ];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Grouped_and_dilated_Conv2d_matches_float64(DeviceKind device)
    {
        foreach (var (xs, ws, s, p, dh, dw, g) in Cases)
        {
            int oh = (xs[2] + 2 * p - dh * (ws[2] - 1) - 1) / s + 1, ow = (xs[3] + 2 * p - dw * (ws[3] - 1) - 1) / s + 1;
            var x = PrimitiveCheck.Uniform(xs[3] * 7 + g, PrimitiveCheck.Count(xs), -1f, 1f);
            var w = PrimitiveCheck.Uniform(ws[0] * 11 + dh, PrimitiveCheck.Count(ws), -1f, 1f);
            PrimitiveCheck.Run(sessions.Get(device), $"gconv{string.Join("x", xs)}g{g}d{dh}{dw}s{s}p{p}",
                t => Ops.Conv2d(t[0], t[1], s, s, p, p, dh, dw, g), [xs, ws], [x, w], [xs[0], ws[0], oh, ow],
                v => Convolve(v[0], v[1], xs, ws, oh, ow, s, p, dh, dw, g));
        }
    }

    [Fact]
    public void Channels_that_do_not_split_into_the_groups_are_one_line()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var x = session.ToDevice(new Trainer.Training.Data.HostTensor([1, 6, 5, 5], new float[150]));
        var w = session.ToDevice(new Trainer.Training.Data.HostTensor([4, 3, 3, 3], new float[108]));
        var e = Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => Ops.Conv2d(x, w, 1, 1, 0, 0, 1, 1, 4));
        Assert.Equal("GroupedConv2d[stride=1x1,pad=0x0,dilation=1x1,groups=4]: 6 input and 4 output channels are not both divisible by 4 groups " +
            "(inputs: [1,6,5,5] float32, [4,3,3,3] float32)", e.Message);
        session.EndStep();
    }

    private static double[] Convolve(double[] x, double[] w, int[] xs, int[] ws, int oh, int ow, int s, int p, int dh, int dw, int g)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        var y = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = 0;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int ih = i * s - p + a * dh, iw = j * s - p + e * dw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                                        sum += x[((b * c + oc / (o / g) * cg + ci) * h + ih) * wd + iw] * w[((oc * cg + ci) * kh + a) * kw + e];
                                }
                        y[((b * o + oc) * oh + i) * ow + j] = sum;
                    }
        return y;
    }
}
