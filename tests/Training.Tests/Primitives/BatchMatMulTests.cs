using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>BatchMatMul with each pair of transposes against float64 loops, its gradients against finite differences, eager equal to compiled.</summary>
public sealed class BatchMatMulTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void BatchMatMul_matches_float64(DeviceKind device)
    {
        foreach (var (batch, m, n, k) in new[] { (1, 1, 1, 1), (2, 7, 3, 65), (3, 5, 63, 7), (1, 257, 2, 3), (2, 3, 4, 63) })
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                int[] aShape = ta ? [batch, k, m] : [batch, m, k], bShape = tb ? [batch, n, k] : [batch, k, n];
                var a = PrimitiveCheck.Uniform(m * 7 + k, batch * m * k, -1f, 1f);
                var b = PrimitiveCheck.Uniform(n * 11 + k, batch * k * n, -1f, 1f);
                PrimitiveCheck.Run(sessions.Get(device), $"bmm{batch}x{m}x{n}x{k}{(ta ? "t" : "")}{(tb ? "t" : "")}",
                    p => Ops.BatchMatMul(p[0], p[1], ta, tb), [aShape, bShape], [a, b], [batch, m, n],
                    p => Product(p[0], p[1], batch, m, n, k, ta, tb));
            }
    }

    private static double[] Product(double[] a, double[] b, int batch, int m, int n, int k, bool ta, bool tb)
    {
        var y = new double[batch * m * n];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                        sum += a[s * m * k + (ta ? p * m + i : i * k + p)] * b[s * k * n + (tb ? j * k + p : p * n + j)];
                    y[(s * m + i) * n + j] = sum;
                }
        return y;
    }
}
