using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// Each explicitly grouped kernel (launched with a KernelConfig, using shared memory and barriers)
/// fits every target: its group within the target's threads per group, its shared memory within
/// the target's per-group limit (see <see cref="OfflineTarget"/> for the limits and why).
/// </summary>
public sealed class GroupLimitsTests
{
    /// <summary>
    /// The largest group the backend launches each explicitly grouped kernel with: the tiled GEMM's
    /// <see cref="GemmTiling.MaxGroupSize"/> (64x64 tiles; 32x32 tiles use 64 threads), the tiled
    /// convolutions' <see cref="ConvTiling.GroupSize"/> (every tile shape), and the one-group reductions' ReductionMaxGroupSize
    /// (shrunk to the device's limit at run time, so this is their upper bound).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, int> GroupSize = new Dictionary<string, int>
    {
        [nameof(IlgpuBackend.TiledKernel)] = GemmTiling.MaxGroupSize,
        [nameof(IlgpuBackend.ConvTiledKernel)] = ConvTiling.GroupSize,
        [nameof(IlgpuBackend.SceForwardKernel)] = IlgpuBackend.ReductionMaxGroupSize,
        [nameof(IlgpuBackend.SceFusedKernel)] = IlgpuBackend.ReductionMaxGroupSize,
        [nameof(IlgpuBackend.CountCorrectKernel)] = IlgpuBackend.ReductionMaxGroupSize,
    };

    private static IEnumerable<string> ExplicitlyGrouped() =>
        LoadedKernels.OnGpu.Where(LoadedKernels.IsExplicitlyGrouped).Select(LoadedKernels.NameOf);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string kernel in ExplicitlyGrouped())
            foreach (var target in OfflineTarget.All)
                data.Add(kernel, target.Name);
        return data;
    }

    [Fact]
    public void Every_explicitly_grouped_kernel_has_its_group_size_here() =>
        Assert.Equal(ExplicitlyGrouped().Order(StringComparer.Ordinal), GroupSize.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Group_fits_the_target(string kernel, string target)
    {
        var t = OfflineTarget.Named(target);
        Assert.True(GroupSize[kernel] <= t.MaxGroupSize, $"{kernel} launches groups of {GroupSize[kernel]} threads; {target} allows {t.MaxGroupSize}");
    }

    /// <summary>The backend gives no kernel dynamic shared memory, so a kernel that declares some would launch with none.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Shared_memory_fits_the_target(string kernel, string target)
    {
        var t = OfflineTarget.Named(target);
        var compiled = OfflineCompiler.Compile(kernel, t);
        Assert.False(compiled.HasDynamicShared, $"{kernel} declares dynamic shared memory, and the backend launches it with none");
        Assert.True(compiled.StaticSharedBytes <= t.MaxSharedBytes,
            $"{kernel} declares {compiled.StaticSharedBytes} bytes of shared memory; {target} allows {t.MaxSharedBytes} per group");
    }
}
