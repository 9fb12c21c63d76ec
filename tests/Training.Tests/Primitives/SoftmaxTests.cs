using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Softmax and log-softmax, composed of primitives, against float64 and finite differences, eager equal to compiled.</summary>
public sealed class SoftmaxTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Softmax_and_log_softmax_over_the_last_axis(DeviceKind device)
    {
        foreach (int n in Sizes)
        {
            var x = PrimitiveCheck.Uniform(n + 11, 3 * n, -4f, 4f);
            x[0] = 60f; // far above the rest: the max is subtracted first
            PrimitiveCheck.Run(sessions.Get(device), $"softmax{n}", p => Ops.Softmax(p[0]), [[3, n]], [x], [3, n], p => Rows(p[0], n, Softmax));
            PrimitiveCheck.Run(sessions.Get(device), $"log_softmax{n}", p => Ops.LogSoftmax(p[0], axis: 1), [[3, n]], [x], [3, n],
                p => Rows(p[0], n, row => Softmax(row).Select(v => Math.Log(v)).ToArray()));
        }
    }

    private static double[] Softmax(double[] row)
    {
        double max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double[] Rows(double[] x, int n, Func<double[], double[]> f) =>
        Enumerable.Range(0, x.Length / n).SelectMany(r => f(x.Skip(r * n).Take(n).ToArray())).ToArray();
}
