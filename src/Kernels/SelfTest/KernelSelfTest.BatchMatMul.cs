using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.SelfTest;

/// <summary>The checks of the <c>batch_matmul</c> kernel against float64 loops written here.</summary>
public static partial class KernelSelfTest
{
    [SelfTestChecks]
    private static void AddBatchMatMulChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
            add($"{FamilyKeys.BatchMatMul} 3x7x65 by 3x65x63 transposes {(ta ? 1 : 0)},{(tb ? 1 : 0)}",
                (b, r) => CheckBatchMatMul(b, r, 3, 7, 63, 65, ta, tb));
    }

    private static SelfTestResult CheckBatchMatMul(IKernelBackend backend, Random rng, int batch, int m, int n, int k, bool ta, bool tb)
    {
        var a = Uniform(rng, batch * m * k);
        var b = Uniform(rng, batch * k * n);
        int[] aShape = ta ? [batch, k, m] : [batch, m, k], bShape = tb ? [batch, n, k] : [batch, k, n];
        int count = batch * m * n;
        using var buffers = new Buffers(backend);
        var da = buffers.Put(a);
        var db = buffers.Put(b);
        var dy = buffers.Output(count);
        var launch = backend.Kernels.Bind(FamilyKeys.BatchMatMul, Call([da, db], [aShape, bShape], dy, [batch, m, n]) with { Axes = [ta ? 1 : 0, tb ? 1 : 0] });
        double ms = Time(backend, launch);
        var expected = new double[count];
        var magnitude = new double[count];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double x = a[s * m * k + (ta ? p * m + i : i * k + p)], y = b[s * k * n + (tb ? j * k + p : p * n + j)];
                        sum += x * y;
                        abs += Math.Abs(x * y);
                    }
                    expected[(s * m + i) * n + j] = sum;
                    magnitude[(s * m + i) * n + j] = abs;
                }
        // k float32 additions in order: each rounds by at most 2^-24 of the running sum, bounded by the sum of |products|.
        return CompareOutput(buffers, dy, count, expected, i => (k + 1) * Math.ScaleB(1.0, -24) * magnitude[i] + 1e-30, ms);
    }
}
