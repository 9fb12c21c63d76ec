using Trainer.Kernels.Device;
using Trainer.Kernels.SelfTest;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.Tests.Windowed;

/// <summary>
/// The general pooling and convolution kernels on every test backend: the self-test's float64 checks pass, and every
/// backend and thread count gives the native single-thread bits.
/// </summary>
public sealed class WindowedKernelTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    /// <summary>Every test backend but the wide-group CPU accelerator, which runs the same kernels as <see cref="BackendFixture.Fast"/> (no group-level code here) and would cost its start-up.</summary>
    public static TheoryData<string> Backends() => new(BackendFixture.All.Where(b => b != BackendFixture.Wide));

    [Theory]
    [MemberData(nameof(Backends))]
    public void Kernels_pass_their_float64_checks(string backendName)
    {
        var backend = backends.Get(backendName);
        var checks = KernelSelfTest.Checks().Where(c => c.Name.StartsWith("pool2d.", StringComparison.Ordinal) || c.Name.StartsWith("conv2d.", StringComparison.Ordinal)).ToList();
        Assert.Equal(14, checks.Count);
        foreach (var result in checks.Select(c => c.Run(backend)))
            Assert.True(result.Passed, $"{backendName}: {result.Name}: {result.Detail}");
    }

    /// <summary>Sizes above the task chunk, so the worker pool splits the work.</summary>
    private static IEnumerable<(string Key, int[][] Shapes, int[] Out, int[] Axes)> Launches()
    {
        int[] x = [4, 8, 65, 63], y = [4, 8, 33, 32], adaptive = [4, 8, 7, 5];
        int[] fixedAxes = [3, 3, 2, 2, 1, 1, 0, 0], adaptiveAxes = [0, 0, 0, 0, 0, 0, 1, 1];
        yield return (WindowedKeys.AvgPool, [x], y, fixedAxes);
        yield return (WindowedKeys.AvgPool, [x], adaptive, adaptiveAxes);
        yield return (WindowedKeys.AvgPoolGrad, [y], x, fixedAxes);
        yield return (WindowedKeys.AvgPoolGrad, [adaptive], x, adaptiveAxes);
        yield return (WindowedKeys.MaxPool, [x], y, fixedAxes);
        yield return (WindowedKeys.MaxPoolGrad, [x, y], x, fixedAxes);
        int[] cx = [2, 8, 33, 31], cw = [16, 2, 3, 3], cy = [2, 16, 31, 27], axes = [1, 1, 1, 0, 2, 2, 4];
        yield return (WindowedKeys.GroupedConv, [cx, cw], cy, axes);
        yield return (WindowedKeys.GroupedConvData, [cy, cw], cx, axes);
        yield return (WindowedKeys.GroupedConvFilter, [cx, cy], cw, axes);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Every_backend_and_thread_count_gives_the_same_bits(string backendName)
    {
        var one = backends.Get(BackendFixture.NativeOneThread);
        var others = new[] { backends.Get(backendName), backends.Get(BackendFixture.NativeThreeThreads) };
        int seed = 0;
        foreach (var (key, shapes, output, axes) in Launches())
        {
            var inputs = shapes.Select(s => TestData.Uniform(TestData.Rng(++seed), (int)KernelCall.ElementCount(s))).ToArray();
            var expected = Run(one, key, inputs, shapes, output, axes);
            foreach (var other in others)
                Close.Bitwise(expected, Run(other, key, inputs, shapes, output, axes), $"{key} on {backendName}");
        }
    }

    private static float[] Run(IKernelBackend backend, string key, float[][] inputs, int[][] shapes, int[] outShape, int[] axes)
    {
        int n = (int)KernelCall.ElementCount(outShape);
        var buffers = inputs.Select(backend.Put).ToArray();
        using var y = backend.Filled(n + 3, float.NaN);
        try
        {
            backend.Kernels.Bind(key, new KernelCall(buffers, shapes, [y], [outShape]) { Axes = axes })();
            var got = backend.Floats(y, n + 3);
            Close.Untouched(got, n, n + 3, float.NaN, $"{key} wrote past its output");
            return got[..n];
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }
}
