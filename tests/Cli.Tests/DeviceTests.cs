using Trainer.Kernels.Device;

namespace Trainer.Cli.Tests;

public class DeviceTests
{
    private static readonly IReadOnlyList<DeviceDescription> Present = DeviceCatalog.List();

    [Fact]
    public void Devices_lists_the_native_cpu_backend_and_ilgpus_cpu_accelerator_and_exits_0()
    {
        var result = Cli.Run("devices");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        // Devices that cannot be used (an OpenCL device ILGPU rejects, such as PoCL's) come last, each saying why.
        var unusable = result.StdoutLines.SkipWhile(l => !l.StartsWith("not usable: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(DeviceCatalog.Unusable().Select(why => "not usable: " + why), unusable);
        var lines = result.StdoutLines[..^unusable.Length];
        // GPUs first, then the native backend, then ILGPU's CPU accelerator.
        Assert.True(lines.Length >= 2, result.ToString());
        Assert.StartsWith("cpu ", lines[^2]);
        Assert.Contains($"native C# kernels", lines[^2]);
        Assert.Contains($"{Environment.ProcessorCount} thread", lines[^2]);
        Assert.StartsWith("ilgpu-cpu ILGPU CPU accelerator", lines[^1]);
    }

    [Fact]
    public void Threads_must_be_a_positive_count_for_the_native_backend()
    {
        Assert.Equal("error: --threads must be a positive integer, got '0' (see 'trainer train --help')",
            Cli.Run("train", "--threads", "0").SingleErrorLine());
        Assert.Equal("error: --threads must be at most 1024, got '5000' (see 'trainer compare --help')",
            Cli.Run("compare", "--threads", "5000").SingleErrorLine());
        var ilgpu = Cli.Run("selftest", "--device", "ilgpu-cpu", "--threads", "2");
        Assert.Equal(2, ilgpu.ExitCode);
        Assert.Equal("error: --threads sets the native cpu backend's worker threads and does not apply to --device ilgpu-cpu (see 'trainer selftest --help')",
            ilgpu.SingleErrorLine());
    }

    [Theory]
    [InlineData("cuda", DeviceKind.Cuda)]
    [InlineData("opencl", DeviceKind.OpenCL)]
    public void Asking_for_an_absent_gpu_kind_exits_2_naming_what_was_found(string name, DeviceKind kind)
    {
        if (Present.Any(d => d.Kind == kind))
            return; // present on this machine: nothing to check (the test machine has none)
        var result = Cli.Run("train", "--device", name);
        Assert.True(result.ExitCode == 2, result.ToString());
        if (Present.All(d => d.Kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu))
        {
            // An OpenCL device that ILGPU cannot use (PoCL's CPU device, where the OpenCL tests run) is named after this.
            var unusable = kind == DeviceKind.OpenCL ? DeviceCatalog.Unusable() : [];
            Assert.Equal($"error: device '{name}' is not available (found: cpu, ilgpu-cpu)" + string.Concat(unusable.Select(why => "; " + why)),
                result.SingleErrorLine());
        }
        else
            Assert.StartsWith($"error: device '{name}' is not available (found: ", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Train_without_a_device_takes_the_native_cpu_backend_when_no_gpu_is_present_and_says_why()
    {
        if (Present.Any(d => d.Kind is DeviceKind.Cuda or DeviceKind.OpenCL)) return; // auto takes the GPU there
        var result = Cli.Run("train", "--epochs", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^device: cpu \(.+, native C# kernels \(\S+ GEMM\), \d+ threads?\), chosen by --device auto: no CUDA or OpenCL device found$",
            result.StdoutLines[0]);
    }

    [Fact]
    public void Device_names_are_case_insensitive()
    {
        // Parsing succeeds, so the failure comes from the device, not the option.
        if (Present.Any(d => d.Kind == DeviceKind.Cuda)) return;
        var result = Cli.Run("train", "--device", "CUDA");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: device 'cuda' is not available", result.SingleErrorLine());
    }
}
