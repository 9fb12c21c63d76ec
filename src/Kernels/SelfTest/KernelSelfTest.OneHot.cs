using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.SelfTest;

/// <summary>The check of the <c>one_hot</c> kernel against a loop written here.</summary>
public static partial class KernelSelfTest
{
    [SelfTestChecks]
    private static void AddOneHotChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add) =>
        add($"{FamilyKeys.OneHot} 257 rows depth 65", (b, r) => CheckOneHot(b, r, 257, 65));

    /// <summary>Indices in and out of range (negative and past the depth) written over an output of random values.</summary>
    private static SelfTestResult CheckOneHot(IKernelBackend backend, Random rng, int rows, int depth)
    {
        var indices = new int[rows];
        for (int r = 0; r < rows; r++) indices[r] = rng.Next(-2, depth + 2);
        int n = rows * depth;
        var before = Uniform(rng, n);
        var initial = new float[n + Guard];
        Array.Fill(initial, Sentinel);
        before.CopyTo(initial, 0);
        using var buffers = new Buffers(backend);
        var di = buffers.Put(indices);
        var dy = buffers.Put(initial);
        const float on = 2.5f;
        var launch = backend.Kernels.Bind(FamilyKeys.OneHot, Call([di], [[rows]], dy, [rows, depth]) with { Scalar = on });
        double ms = Time(backend, launch);
        var expected = before.Select(v => (double)v).ToArray();
        for (int r = 0; r < rows; r++)
            if (indices[r] >= 0 && indices[r] < depth) expected[r * depth + indices[r]] = on;
        return CompareOutput(buffers, dy, n, expected, _ => 0, ms);
    }
}
