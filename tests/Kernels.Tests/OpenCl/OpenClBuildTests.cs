using Trainer.Kernels.Tests.Offline;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// The OpenCL C that ILGPU generates for every GPU kernel (<see cref="OfflineCompiler"/>) goes
/// through a real OpenCL compiler: PoCL's, with the build options ILGPU's accelerator passes
/// (<c>-cl-std=CL2.0</c> or <c>CL3.0</c>). Generating the source proves only that ILGPU could
/// write it; this proves an OpenCL driver accepts it.
/// </summary>
public sealed class OpenClBuildTests
{
    private static readonly Lazy<OpenClHost> Host = new(OpenClHost.Open);

    public static TheoryData<string, string> Cases() => OfflineCases.KernelsOn(t => !t.IsPtx);

    [OpenClTheory]
    [MemberData(nameof(Cases))]
    public void Kernel_builds_with_an_OpenCL_compiler(string kernel, string target)
    {
        var t = OfflineTarget.Named(target);
        var failure = Host.Value.Build(OfflineCompiler.Compile(kernel, t).Code, t.BuildOptions);
        Assert.True(failure is null, $"{kernel} for {target} on {Host.Value.Describe()}: {failure}");
    }

    [OpenClFact]
    public void A_source_with_an_error_fails_to_build_and_the_log_names_it()
    {
        var failure = Host.Value.Build("kernel void broken(global float* x) { x[0] = not_declared_anywhere; }", "-cl-std=CL2.0");
        Assert.NotNull(failure);
        Assert.Contains("not_declared_anywhere", failure);
    }
}
