using ILGPU.Runtime.CPU;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests.Device;

/// <summary>A fact that only makes sense where no GPU is present; skipped (with a reason) on a machine with one.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasGpu = new(() => DeviceCatalog.List().Any(d => d.Kind != DeviceKind.Cpu));

    public NoGpuFactAttribute()
    {
        if (HasGpu.Value) Skip = "this machine has a GPU; the test checks the no-GPU behaviour";
    }
}

/// <summary>A fact that needs a GPU (CUDA or OpenCL); skipped (with a reason) on a machine without one.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasGpu = new(() => DeviceCatalog.List().Any(d => d.Kind != DeviceKind.Cpu));

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
        Assert.Equal("device 'cuda' is not available (found: cpu)", e.Message);
    }

    [NoGpuFact]
    public void Asking_for_opencl_without_a_gpu_names_what_was_found()
    {
        var e = Assert.Throws<DeviceNotAvailableException>(() => DeviceCatalog.Open(DeviceKind.OpenCL, out _));
        Assert.Equal("device 'opencl' is not available (found: cpu)", e.Message);
    }

    [NoGpuFact]
    public void Auto_falls_back_to_the_cpu_and_says_why()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Auto, out var choice);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
        Assert.Equal(GemmVariant.RegisterBlocked, backend.GemmVariant);
        Assert.Contains("cpu", choice);
        Assert.Contains("auto", choice);
        Assert.Contains("no CUDA or OpenCL device", choice);
    }

    [Fact]
    public void List_contains_the_cpu_last()
    {
        var devices = DeviceCatalog.List();
        Assert.Contains(devices, d => d.Kind == DeviceKind.Cpu);
        Assert.Equal(DeviceKind.Cpu, devices[^1].Kind);
        Assert.All(devices.TakeWhile(d => d.Kind != DeviceKind.Cpu), d => Assert.NotEqual(DeviceKind.Cpu, d.Kind));
    }

    [Fact]
    public void Cpu_backend_is_the_fast_one()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Cpu, out var choice);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
        Assert.Equal(2, backend.Description.MaxGroupSize);
        Assert.Equal(GemmVariant.RegisterBlocked, backend.GemmVariant);
        Assert.StartsWith("device: cpu", choice);
        Assert.Equal(0, backend.LaunchCount);
    }

    [Fact]
    public void OpenCpu_uses_the_requested_group_shape_and_gemm_variant()
    {
        using var backend = DeviceCatalog.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
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
        }
        Assert.False(DeviceKindNames.TryParse("tpu", out _));
    }

    [Theory]
    [InlineData(GemmVariant.RegisterBlocked)]
    [InlineData(GemmVariant.Naive)]
    public void Open_cpu_with_a_variant_uses_it(GemmVariant variant)
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Cpu, out var choice, variant);
        Assert.Equal(DeviceKind.Cpu, backend.Description.Kind);
        Assert.Equal(2, backend.Description.MaxGroupSize);
        Assert.Equal(variant, backend.GemmVariant);
        Assert.StartsWith("device: cpu", choice);
    }

    [Fact]
    public void Open_cpu_without_a_variant_is_register_blocked()
    {
        using var backend = DeviceCatalog.Open(DeviceKind.Cpu, out _, variant: null);
        Assert.Equal(GemmVariant.RegisterBlocked, backend.GemmVariant);
    }

    [Fact]
    public void Tiled_on_the_two_thread_cpu_device_is_refused_with_the_way_out()
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceCatalog.Open(DeviceKind.Cpu, out _, GemmVariant.Tiled));
        Assert.Equal("variant", e.ParamName);
        Assert.Contains("256 threads", e.Message);
        Assert.Contains("OpenCpu", e.Message);
    }

    [Fact]
    public void An_undefined_variant_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceCatalog.Open(DeviceKind.Cpu, out _, (GemmVariant)42));
    }

    [Fact]
    public void OpenCpu_runs_the_naive_variant()
    {
        using var backend = DeviceCatalog.OpenCpu(new CPUDevice(4, 4, 1), GemmVariant.Naive);
        Assert.Equal(GemmVariant.Naive, backend.GemmVariant);
    }

    [GpuFact]
    public void Register_blocked_on_a_gpu_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceCatalog.Open(DeviceKind.Auto, out _, GemmVariant.RegisterBlocked));
        Assert.Equal("variant", e.ParamName);
        Assert.Contains("only on the CPU accelerator", e.Message);
    }

    [GpuFact]
    public void A_gpu_defaults_to_tiled_and_runs_naive_on_request()
    {
        using (var tiled = DeviceCatalog.Open(DeviceKind.Auto, out _))
            Assert.Equal(GemmVariant.Tiled, tiled.GemmVariant);
        using var naive = DeviceCatalog.Open(DeviceKind.Auto, out _, GemmVariant.Naive);
        Assert.Equal(GemmVariant.Naive, naive.GemmVariant);
    }
}
