using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Device;

public sealed class TableKernelDiscoveryTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    /// <summary>Both backends mark the same kernels, and each backend's table holds every one it marks.</summary>
    [Fact]
    public void Both_backends_register_every_marked_kernel()
    {
        var native = TableKernelDiscovery.Of(typeof(CpuBackend)).Select(k => k.Key).ToList();
        var ilgpu = TableKernelDiscovery.Of(typeof(IlgpuBackend)).Select(k => k.Key).ToList();
        Assert.Equal(native, ilgpu);
        foreach (string key in new[] { FamilyKeys.ArgMax, FamilyKeys.Permute, FamilyKeys.Slice, FamilyKeys.SliceGrad, FamilyKeys.Place, FamilyKeys.OneHot, FamilyKeys.BatchMatMul })
            Assert.Contains(key, native);
        Assert.All(native, key => Assert.Contains(key, backends.Get(BackendFixture.Native).Kernels.Keys));
        Assert.All(ilgpu, key => Assert.Contains(key, backends.Get(BackendFixture.Fast).Kernels.Keys));
    }

    /// <summary>The discovered methods are found once per type: a second look returns the same list.</summary>
    [Fact]
    public void Discovery_is_cached_per_type() =>
        Assert.Same(TableKernelDiscovery.Of(typeof(CpuBackend)), TableKernelDiscovery.Of(typeof(CpuBackend)));

    private sealed class Marked
    {
        [TableKernel("test.ok")]
        private Action? BindOk(KernelCall call) => call.Inputs.Count == 0 ? null : () => { };
    }

    private sealed class WronglyMarked
    {
        [TableKernel("test.wrong")]
        private void BindWrong(KernelCall call) { }
    }

    [Fact]
    public void A_marked_method_is_registered_on_the_instance_and_a_wrong_signature_is_named()
    {
        var table = new KernelTable("test device", () => { });
        TableKernelDiscovery.Register(new Marked(), table);
        Assert.Equal(["test.ok"], table.Keys);
        var error = Assert.Throws<InvalidOperationException>(() => TableKernelDiscovery.Register(new WronglyMarked(), table));
        Assert.Contains("WronglyMarked.BindWrong", error.Message);
    }
}
