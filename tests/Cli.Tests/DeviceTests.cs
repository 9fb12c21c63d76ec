using Trainer.Kernels.Device;

namespace Trainer.Cli.Tests;

public class DeviceTests
{
    private static readonly IReadOnlyList<DeviceDescription> Present = DeviceCatalog.List();

    [Fact]
    public void Devices_lists_the_cpu_accelerator_and_exits_0()
    {
        var result = Cli.Run("devices");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        var lines = result.StdoutLines;
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.StartsWith("cpu", StringComparison.Ordinal));
        // GPUs first, the CPU accelerator last.
        Assert.StartsWith("cpu", lines[^1]);
        Assert.Contains("ILGPU CPU accelerator", lines[^1]);
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
        if (Present.All(d => d.Kind == DeviceKind.Cpu))
            Assert.Equal($"error: device '{name}' is not available (found: cpu)", result.SingleErrorLine());
        else
            Assert.StartsWith($"error: device '{name}' is not available (found: ", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
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
