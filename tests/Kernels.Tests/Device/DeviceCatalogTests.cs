using ILGPU.Runtime.CPU;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Device;

/// <summary>A fact that only makes sense where no GPU is present; skipped (with a reason) on a machine with one.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasGpu = new(() => DeviceCatalog.List().Any(d => d.Kind is DeviceKind.Cuda or DeviceKind.OpenCL));

    public NoGpuFactAttribute()
    {
        if (HasGpu.Value) Skip = "this machine has a GPU; the test checks the no-GPU behaviour";
    }
}

/// <summary>A fact that needs a GPU (CUDA or OpenCL); skipped (with a reason) on a machine without one.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasGpu = new(() => DeviceCatalog.List().Any(d => d.Kind is DeviceKind.Cuda or DeviceKind.OpenCL));

    public GpuFactAttribute()
    {
        if (!HasGpu.Value) Skip = "no CUDA or OpenCL device on this machine";
    }
}

public sealed class DeviceCatalogTests
{
    [NoGpuFact]
    public void Asking_for_cuda_without_a_gpu_names_what_was_found()
    {
        var e = Assert.Throws<DeviceNotAvailableException>(() => DeviceCatalog.Open(DeviceKind.Cuda, out _));
        Assert.Equal("device 'cuda' is not available (found: cpu, ilgpu-cpu)", e.Message);
    }

    [NoGpuFact]
    public void Asking_for_opencl_without_a_gpu_names_what_was_found()
    {
        var e = Assert.Throws<DeviceNotAvailableException>(() => DeviceCatalog.Open(DeviceKind.OpenCL, out _));
        const string notAvailable = "device 'opencl' is not available (found: cpu, ilgpu-cpu)";
        if (OpenCl.OpenClHost.WhyUnavailable is not null)
            Assert.Equal(notAvailable, e.Message); // no OpenCL platform at all
        else
            Assert.StartsWith(notAvailable + "; OpenCL device '", e.Message); // one ILGPU cannot use: UnusableOpenClDeviceTests
    }

    [NoGpuFact]
    public void Auto_falls_back_to_the_native_cpu_backend_and_says_why()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Auto, out var choice);
        Assert.IsType<CpuBackend>(backend);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
        Assert.StartsWith("device: cpu (", choice);
        Assert.Contains("native C#", choice);
        Assert.EndsWith("chosen by --device auto: no CUDA or OpenCL device found", choice);
    }

    [Fact]
    public void List_has_gpus_first_then_the_native_cpu_then_ilgpus_cpu_accelerator()
    {
        var devices = DeviceCatalog.List();
        Assert.Equal(DeviceKind.IlgpuCpu, devices[^1].Kind);
        Assert.Equal(DeviceKind.Cpu, devices[^2].Kind);
        Assert.All(devices.SkipLast(2), d => Assert.True(d.Kind is DeviceKind.Cuda or DeviceKind.OpenCL));
    }

    [Fact]
    public void Providers_cover_every_kind_but_auto_exactly_once()
    {
        foreach (var kind in Enum.GetValues<DeviceKind>().Where(k => k != DeviceKind.Auto))
            Assert.Single(DeviceCatalog.Providers, p => p.Kinds.Contains(kind));
    }

    [Fact]
    public void Cpu_is_the_native_backend_with_one_worker_per_core_by_default()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Cpu, out var choice);
        var native = Assert.IsType<CpuBackend>(backend);
        Assert.Equal(Environment.ProcessorCount, native.Threads);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
        Assert.StartsWith("device: cpu (", choice);
        Assert.Contains($"{Environment.ProcessorCount} thread", choice);
        Assert.Equal(0, backend.LaunchCount);
    }

    [Fact]
    public void Cpu_takes_its_thread_count_from_the_options()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Cpu, out var choice, new DeviceOptions { Threads = 3 });
        Assert.Equal(3, Assert.IsType<CpuBackend>(backend).Threads);
        Assert.Contains("3 threads", choice);
    }

    [Fact]
    public void Ilgpu_cpu_is_ilgpus_accelerator_with_the_register_blocked_gemm()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.IlgpuCpu, out var choice);
        var ilgpu = Assert.IsType<IlgpuBackend>(backend);
        Assert.Equal(DeviceKind.IlgpuCpu, backend.Description.Kind);
        Assert.Equal(2, backend.Description.MaxGroupSize);
        Assert.Equal(GemmVariant.RegisterBlocked, ilgpu.GemmVariant);
        Assert.StartsWith("device: ilgpu-cpu (ILGPU CPU accelerator", choice);
    }

    [Fact]
    public void OpenCpu_uses_the_requested_group_shape_and_gemm_variant()
    {
        using var backend = IlgpuProvider.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled);
        Assert.Equal(DeviceKind.IlgpuCpu, backend.Description.Kind);
        Assert.Equal(256, backend.Description.MaxGroupSize);
        Assert.Equal(GemmVariant.Tiled, backend.GemmVariant);
    }

    [Fact]
    public void Device_kind_names_round_trip()
    {
        foreach (var kind in Enum.GetValues<DeviceKind>())
        {
            Assert.True(DeviceKindNames.TryParse(DeviceKindNames.Name(kind).ToUpperInvariant(), out var parsed));
            Assert.Equal(kind, parsed);
            Assert.Contains(DeviceKindNames.Name(kind), DeviceKindNames.Choices.Split('|'));
        }
        Assert.False(DeviceKindNames.TryParse("tpu", out _));
    }

    [Theory]
    [InlineData(GemmVariant.RegisterBlocked)]
    [InlineData(GemmVariant.Naive)]
    public void Open_ilgpu_cpu_with_a_variant_uses_it(GemmVariant variant)
    {
        using var backend = IlgpuProvider.Open(DeviceKind.IlgpuCpu, variant);
        Assert.Equal(DeviceKind.IlgpuCpu, backend.Description.Kind);
        Assert.Equal(2, backend.Description.MaxGroupSize);
        Assert.Equal(variant, backend.GemmVariant);
    }

    [Fact]
    public void Tiled_on_the_two_thread_cpu_device_is_refused_with_the_way_out()
    {
        var e = Assert.Throws<ArgumentException>(() => IlgpuProvider.Open(DeviceKind.IlgpuCpu, GemmVariant.Tiled));
        Assert.Equal("variant", e.ParamName);
        Assert.Contains("256 threads", e.Message);
        Assert.Contains("OpenCpu", e.Message);
    }

    [Fact]
    public void An_undefined_variant_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IlgpuProvider.Open(DeviceKind.IlgpuCpu, (GemmVariant)42));
    }

    [Fact]
    public void Ilgpu_does_not_open_the_native_kind()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IlgpuProvider.Open(DeviceKind.Cpu, variant: null));
    }

    [Fact]
    public void OpenCpu_runs_the_naive_variant()
    {
        using var backend = IlgpuProvider.OpenCpu(new CPUDevice(4, 4, 1), GemmVariant.Naive);
        Assert.Equal(GemmVariant.Naive, backend.GemmVariant);
    }

    [GpuFact]
    public void Register_blocked_on_a_gpu_is_refused()
    {
        var kind = DeviceCatalog.List()[0].Kind;
        var e = Assert.Throws<ArgumentException>(() => IlgpuProvider.Open(kind, GemmVariant.RegisterBlocked));
        Assert.Equal("variant", e.ParamName);
        Assert.Contains("only on the CPU accelerator", e.Message);
    }

    [GpuFact]
    public void A_gpu_defaults_to_tiled_and_runs_naive_on_request()
    {
        var kind = DeviceCatalog.List()[0].Kind;
        using (var tiled = IlgpuProvider.Open(kind, variant: null))
            Assert.Equal(GemmVariant.Tiled, tiled.GemmVariant);
        using var naive = IlgpuProvider.Open(kind, GemmVariant.Naive);
        Assert.Equal(GemmVariant.Naive, naive.GemmVariant);
    }
}
