namespace Trainer.Kernels.Device;

/// <summary>The accelerator families the trainer can run on; <see cref="Auto"/> picks the best present.</summary>
public enum DeviceKind
{
    Auto,
    Cuda,
    OpenCL,
    Cpu,
}

/// <summary>Parsing and printing of <see cref="DeviceKind"/> the way the command line spells it.</summary>
public static class DeviceKindNames
{
    public const string Choices = "auto|cuda|opencl|cpu";

    public static bool TryParse(string text, out DeviceKind kind)
    {
        switch (text.ToLowerInvariant())
        {
            case "auto": kind = DeviceKind.Auto; return true;
            case "cuda": kind = DeviceKind.Cuda; return true;
            case "opencl": kind = DeviceKind.OpenCL; return true;
            case "cpu": kind = DeviceKind.Cpu; return true;
            default: kind = DeviceKind.Auto; return false;
        }
    }

    public static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        DeviceKind.Cpu => "cpu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
