namespace Trainer.Kernels.Device;

/// <summary>The device families the trainer can run on; <see cref="Auto"/> picks the best present.</summary>
public enum DeviceKind
{
    /// <summary>The best device present: CUDA, else OpenCL, else the native CPU backend.</summary>
    Auto,
    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,
    /// <summary>An OpenCL device through ILGPU's OpenCL backend.</summary>
    OpenCL,
    /// <summary>The native CPU backend: plain C# SIMD kernels on a worker pool.</summary>
    Cpu,
    /// <summary>ILGPU's CPU accelerator, which emulates a GPU: how the GPU kernels are tested without one.</summary>
    IlgpuCpu,
}

/// <summary>Parsing and printing of <see cref="DeviceKind"/> the way the command line spells it.</summary>
public static class DeviceKindNames
{
    /// <summary>Every name <see cref="TryParse"/> accepts, separated by <c>|</c> (for help text).</summary>
    public const string Choices = "auto|cuda|opencl|cpu|ilgpu-cpu";

    /// <summary>Reads a device name (<c>auto</c>, <c>cuda</c>, <c>opencl</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, any case); false for anything else.</summary>
    public static bool TryParse(string text, out DeviceKind kind)
    {
        switch (text.ToLowerInvariant())
        {
            case "auto": kind = DeviceKind.Auto; return true;
            case "cuda": kind = DeviceKind.Cuda; return true;
            case "opencl": kind = DeviceKind.OpenCL; return true;
            case "cpu": kind = DeviceKind.Cpu; return true;
            case "ilgpu-cpu": kind = DeviceKind.IlgpuCpu; return true;
            default: kind = DeviceKind.Auto; return false;
        }
    }

    /// <summary>The command-line name of <paramref name="kind"/>.</summary>
    public static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        DeviceKind.Cpu => "cpu",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
