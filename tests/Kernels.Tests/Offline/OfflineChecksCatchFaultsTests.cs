using System.Reflection;
using ILGPU;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// The offline checks fail on the faults they look for: kernels written here with a double, a
/// per-thread array and too much shared memory go through the same compiler and the same scans as
/// the backend's kernels, and each scan flags its fault.
/// </summary>
public sealed class OfflineChecksCatchFaultsTests
{
    private static readonly OfflineTarget Sm70 = OfflineTarget.All.First(t => t.IsPtx);

    private static OfflineKernel Compile(string name) =>
        OfflineCompiler.Compile(typeof(OfflineChecksCatchFaultsTests).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!, Sm70);

    // The double literal makes the product a double multiply.
    private static void DoubleLiteralKernel(Index1D i, ArrayView<float> x) => x[i] = (float)(x[i] * 0.1);

    private static void LocalArrayKernel(Index1D i, ArrayView<float> x, ArrayView<int> pick)
    {
        var scratch = LocalMemory.Allocate<float>(16);
        for (int j = 0; j < 16; j++) scratch[j] = x[i * 16 + j];
        x[i] = scratch[pick[i] & 15];
    }

    private static void OversizedSharedKernel(ArrayView<float> x)
    {
        var tile = SharedMemory.Allocate<float>(16 * 1024);
        tile[Group.IdxX] = x[Grid.GlobalIndex.X];
        Group.Barrier();
        x[Grid.GlobalIndex.X] = tile[Group.DimX - 1 - Group.IdxX];
    }

    [Fact]
    public void Float64_scan_flags_a_double_literal() =>
        Assert.Contains(PtxLines.Matching(Compile(nameof(DoubleLiteralKernel)), PtxLines.Float64()), line => line.Contains("mul.rn.f64") || line.Contains("cvt"));

    [Fact]
    public void Local_memory_scan_flags_a_per_thread_array() =>
        Assert.NotEmpty(PtxLines.Matching(Compile(nameof(LocalArrayKernel)), PtxLines.LocalMemory()));

    [Fact]
    public void Shared_memory_size_reads_what_the_kernel_declares()
    {
        var compiled = Compile(nameof(OversizedSharedKernel));
        Assert.Equal(16 * 1024 * sizeof(float), compiled.StaticSharedBytes);
        Assert.True(compiled.StaticSharedBytes > Sm70.MaxSharedBytes);
    }
}
