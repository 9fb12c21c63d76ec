namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// Graph mode normalises images on the device and must give the host pipeline's bits (Rescale then
/// Normalize, float32). The multiply-add is exact whatever the compiler contracts it to (the shift
/// is 0), so what decides it is the division: IEEE round-to-nearest <c>div.rn.f32</c>, never the
/// approximate <c>div.approx</c>/<c>div.full</c> that fast-math would emit.
/// </summary>
public sealed class PtxImageNormalizeTests
{
    public static TheoryData<string> PtxTargets() => new(OfflineTarget.All.Where(t => t.IsPtx).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(PtxTargets))]
    public void Device_normalisation_divides_with_ieee_rounding(string target)
    {
        string ptx = OfflineCompiler.Compile("ImageNormalizeKernel", OfflineTarget.Named(target)).Code;
        var lines = ptx.Split('\n');
        Assert.Contains(lines, l => l.Contains("div.rn.f32", StringComparison.Ordinal));
        var approximate = lines.Where(l => l.Contains("div.approx", StringComparison.Ordinal) || l.Contains("div.full", StringComparison.Ordinal)).ToList();
        Assert.True(approximate.Count == 0, $"approximate division in ImageNormalizeKernel for {target}:\n{string.Join('\n', approximate)}");
    }
}
