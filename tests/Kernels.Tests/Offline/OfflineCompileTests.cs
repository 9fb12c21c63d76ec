namespace Trainer.Kernels.Tests.Offline;

/// <summary>Every kernel a GPU backend launches compiles to PTX for sm_70, sm_80 and sm_90 and to OpenCL C 2.0 and 3.0, with no device present.</summary>
public sealed class OfflineCompileTests
{
    public static TheoryData<string, string> Cases() => OfflineCases.KernelsOn(_ => true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_compiles(string kernel, string target)
    {
        var compiled = OfflineCompiler.Compile(kernel, OfflineTarget.Named(target));
        Assert.False(string.IsNullOrWhiteSpace(compiled.Code), $"{kernel} on {target}: empty code");
    }
}
