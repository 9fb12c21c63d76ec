namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// No kernel spills to local memory: no <c>.local</c> declaration, <c>ld.local</c> or <c>st.local</c>
/// in its PTX. Local memory lives in device memory; a per-thread array or a struct the compiler
/// cannot keep in registers lands there and costs a global-memory round trip per access.
/// (ptxas may still spill registers when it assembles; that shows only with a driver.)
/// </summary>
public sealed class PtxLocalMemoryTests
{
    /// <summary>Kernels allowed local memory, each with the reason. None today.</summary>
    private static readonly IReadOnlyDictionary<string, string> Allowed = new Dictionary<string, string>();

    public static TheoryData<string, string> Cases() => OfflineCases.KernelsOn(t => t.IsPtx);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ptx_uses_no_local_memory(string kernel, string target)
    {
        if (Allowed.ContainsKey(kernel)) return;
        var found = PtxLines.Matching(OfflineCompiler.Compile(kernel, OfflineTarget.Named(target)), PtxLines.LocalMemory());
        Assert.True(found.Count == 0, $"local memory in a kernel that should need none:\n{PtxLines.Report(found)}");
    }
}
