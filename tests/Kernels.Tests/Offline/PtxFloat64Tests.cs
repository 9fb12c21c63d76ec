namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// Every kernel is float32: no double-precision register, arithmetic or conversion in its PTX. A
/// stray <c>Math.</c> call or double literal turns into <c>cvt.f64.f32</c> ... <c>cvt.rn.f32.f64</c>
/// and runs at 1/32 to 1/64 of the float rate on consumer GPUs.
/// </summary>
public sealed class PtxFloat64Tests
{
    /// <summary>Kernels allowed double precision, each with the reason. None today.</summary>
    private static readonly IReadOnlyDictionary<string, string> Allowed = new Dictionary<string, string>();

    public static TheoryData<string, string> Cases() => OfflineCases.KernelsOn(t => t.IsPtx);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ptx_has_no_double_precision(string kernel, string target)
    {
        if (Allowed.ContainsKey(kernel)) return;
        var found = PtxLines.Matching(OfflineCompiler.Compile(kernel, OfflineTarget.Named(target)), PtxLines.Float64());
        Assert.True(found.Count == 0, $"double precision in a float32 kernel:\n{PtxLines.Report(found)}");
    }
}
