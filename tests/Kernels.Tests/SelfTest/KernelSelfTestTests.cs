using Trainer.Kernels.Device;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.SelfTest;

public sealed class KernelSelfTestTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    [Fact]
    public void Checks_cover_every_kernel_layout_and_epilogue_with_unique_names()
    {
        var names = KernelSelfTest.Checks().Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(3 * 3 * 8, names.Count(n => n.StartsWith("gemm ", StringComparison.Ordinal)));
        foreach (string layout in new[] { "nn", "nt", "tn" })
            Assert.Contains($"gemm {layout} 64x512x784 bias+relu", names);
        foreach (string kernel in new[] { "bias add", "relu forward", "relu backward", "column sum", "softmax-ce forward", "softmax-ce backward",
                     "softmax-ce fused", "sgd single", "sgd multi", "image normalize", "count correct", "fill", "add" })
            Assert.Contains(names, n => n.StartsWith(kernel + " ", StringComparison.Ordinal));
    }

    /// <summary>The whole self-test on the native backend and on ILGPU's naive GEMM (the CLI test covers ILGPU's default register-blocked one).</summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.NativeOneThread)]
    [InlineData(BackendFixture.Naive)]
    public void Every_check_passes(string backendName)
    {
        var results = KernelSelfTest.Run(backends.Get(backendName));
        Assert.Equal(KernelSelfTest.Checks().Count, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Detail}"));
        Assert.All(results, r => Assert.True(r.MaxError <= r.Bound, $"{r.Name}: {r.MaxError} > {r.Bound}"));
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    public void Memory_is_given_back_after_the_checks(string backendName)
    {
        var backend = backends.Get(backendName);
        long before = backend.Memory.LiveBytes;
        foreach (var check in KernelSelfTest.Checks().Where(c => !c.Name.StartsWith("gemm", StringComparison.Ordinal)))
            Assert.True(check.Run(backend).Passed, check.Name);
        Assert.Equal(before, backend.Memory.LiveBytes);
    }

    [Fact]
    public void A_wrong_gemm_element_and_a_stray_write_are_reported_as_failed()
    {
        var faulty = new FaultyBackend(backends.Get(BackendFixture.Fast));
        var checks = KernelSelfTest.Checks()
            .Where(c => c.Name is "gemm nt 64x512x784 bias+relu" or "gemm tn 65x63x257 none" or "fill 100003" or "add 100003")
            .ToDictionary(c => c.Name);
        Assert.Equal(4, checks.Count);

        var gemm = checks["gemm nt 64x512x784 bias+relu"].Run(faulty);
        Assert.False(gemm.Passed);
        Assert.True(gemm.MaxError > gemm.Bound);
        Assert.StartsWith($"element {64 / 2 * 512 + 512 / 3} is ", gemm.Detail);

        Assert.False(checks["gemm tn 65x63x257 none"].Run(faulty).Passed);

        var fill = checks["fill 100003"].Run(faulty);
        Assert.False(fill.Passed);
        Assert.Equal(0, fill.MaxError); // the values are right; the write past the end is what fails
        Assert.Contains("wrote past the output", fill.Detail);

        Assert.True(checks["add 100003"].Run(faulty).Passed);
    }

    [Fact]
    public void An_exception_in_a_check_is_a_failed_result()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var check = KernelSelfTest.Checks().First(c => c.Name.StartsWith("bias add", StringComparison.Ordinal));
        var result = check.Run(new ThrowingBackend(backend));
        Assert.False(result.Passed);
        Assert.Contains(nameof(InvalidOperationException), result.Detail);
    }

    /// <summary>A backend whose allocations fail.</summary>
    private sealed class ThrowingBackend(IKernelBackend inner) : DelegatingBackend(inner)
    {
        public override DeviceBuffer Allocate(long bytes) => throw new InvalidOperationException("no memory today");
    }
}
