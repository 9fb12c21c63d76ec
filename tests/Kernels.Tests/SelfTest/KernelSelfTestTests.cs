using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
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
                     "softmax-ce fused", "sgd single", "sgd multi", "momentum single", "momentum multi", "adam single", "adam multi",
                     "adam beta powers", "max pool fwd+bwd", "channel bias add", "channel sum", "image normalize", "count correct", "fill", "add" })
            Assert.Contains(names, n => n.StartsWith(kernel + " ", StringComparison.Ordinal));
    }

    /// <summary>Interface members that move or describe memory rather than compute: the self-test need not call them by name.</summary>
    private static readonly HashSet<string> NotKernels =
    [
        nameof(IKernelBackend.Allocate), nameof(IKernelBackend.Free), nameof(IKernelBackend.Upload), nameof(IKernelBackend.Download),
        nameof(IKernelBackend.Synchronize), nameof(IKernelBackend.AllocateStaging), nameof(IKernelBackend.UploadStaged), nameof(IKernelBackend.Copy),
        nameof(IKernelBackend.Conv2dWorkspaceBytes), nameof(IKernelBackend.CreateStepCapture), nameof(IDisposable.Dispose),
    ];

    /// <summary>
    /// <see cref="IKernelBackend"/> is the device contract alone: no member of it launches a kernel (they are all in its
    /// <see cref="KernelTable"/>, which the next test covers), so none can escape the self-test's table check.
    /// </summary>
    [Fact]
    public void The_backend_interface_has_no_kernel_methods()
    {
        var kernels = typeof(IKernelBackend).GetMethods()
            .Where(m => !m.IsSpecialName && !NotKernels.Contains(m.Name))
            .Select(m => m.Name).ToList();
        Assert.True(kernels.Count == 0, "kernel methods on IKernelBackend: " + string.Join(", ", kernels));
        Assert.All(KernelKeys.All, key => Assert.Contains(key, backends.Get(BackendFixture.Native).Kernels.Keys));
    }

    /// <summary>
    /// Every kernel of the native and the ILGPU backend's <see cref="KernelTable"/>, read from the table, is launched by
    /// some check: the recorder observes the table too, so a kernel registered without a check fails here.
    /// </summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    public void Checks_launch_every_kernel_of_the_table(string backendName)
    {
        var backend = backends.Get(backendName);
        Assert.Contains(Trainer.Kernels.Families.FamilyKeys.Reduce("max"), backend.Kernels.Keys);
        var recorder = new RecordingBackend(backend);
        var results = KernelSelfTest.Checks().Where(c => c.TableKeys.Count > 0).Select(c => c.Run(recorder)).ToList();
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Detail}"));
        var missing = backend.Kernels.Keys.Where(k => !recorder.Launches.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "table kernels no self-test check launches: " + string.Join(", ", missing));
        Assert.Empty(KernelSelfTest.UncheckedTableKernels(backend, KernelSelfTest.Checks()));
    }

    /// <summary>A kernel added to a table with no check is a failed self-test result naming it; a user's custom kernel is not.</summary>
    [Fact]
    public void A_table_kernel_without_a_check_fails_the_self_test()
    {
        using var backend = new Trainer.Kernels.Cpu.CpuBackend(threads: 1);
        backend.Kernels.Register("unary.untested", _ => null);
        backend.Kernels.Register("custom.Swish", _ => null);
        var failed = Assert.Single(KernelSelfTest.UncheckedTableKernels(backend, KernelSelfTest.Checks()));
        Assert.False(failed.Passed);
        Assert.Contains("'unary.untested'", failed.Detail);
    }

    /// <summary>Each new check fails on a backend whose kernel is wrong, so the checks themselves can fail.</summary>
    [Theory]
    [InlineData("max pool fwd+bwd 3x5x9x7 window 3 stride 2", KernelKeys.MaxPool2dBackward, 0)]
    [InlineData("channel bias add 7x65x63", KernelKeys.ChannelBiasAdd, 0)]
    [InlineData("channel sum 7x65x63", KernelKeys.ChannelSum, 0)]
    [InlineData("momentum multi mlp (6 tensors, weight decay 1e-2)", KernelKeys.MomentumUpdateMulti, 1)]
    [InlineData("adam multi mlp (6 tensors, step 10, weight decay 1e-2)", KernelKeys.AdamUpdateMulti, 2)]
    [InlineData("adam beta powers (step 10)", KernelKeys.AdamBetaPowers, 1)]
    public void A_kernel_that_skips_its_last_segment_or_element_fails_its_check(string checkName, string kernel, int output)
    {
        var check = KernelSelfTest.Checks().Single(c => c.Name == checkName);
        Assert.True(check.Run(backends.Get(BackendFixture.Native)).Passed);
        var broken = new OffByOneBackend(backends.Get(BackendFixture.Native), kernel, output);
        var result = check.Run(broken);
        Assert.False(result.Passed, $"{checkName} passed with a broken {kernel}");
    }

    /// <summary>
    /// A backend whose named table kernel runs, then has one output float it wrote perturbed: the first float of its
    /// output <c>output</c>.
    /// </summary>
    private sealed class OffByOneBackend(IKernelBackend inner, string kernel, int output) : DelegatingBackend(inner)
    {
        private void Perturb(DeviceBuffer buffer, string name)
        {
            if (name != kernel) return;
            var first = new float[1];
            Inner.Download<float>(buffer, first);
            first[0] = first[0] * 1.01f + 0.25f;
            Inner.Upload<float>(buffer, first);
        }

        protected override void Launched(string key, KernelCall call)
        {
            Perturb(call.Outputs[output], key);
        }
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
