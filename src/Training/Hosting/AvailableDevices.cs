using Trainer.Kernels.Device;

namespace Trainer.Training.Hosting;

/// <summary>What <c>trainer devices</c> prints: every device the trainer can open on this machine.</summary>
public static class AvailableDevices
{
    /// <summary>One line per device, in the order <c>--device auto</c> prefers them: its <c>--device</c> name, model and memory.</summary>
    public static IReadOnlyList<string> Describe() => DeviceCatalog.List().Select(d => d.ToString()).ToList();

    /// <summary>Devices present that no backend can use, one line each saying why (an OpenCL device without what ILGPU needs).</summary>
    public static IReadOnlyList<string> Unusable() => DeviceCatalog.Unusable();

    /// <summary>The version of ILGPU the GPU backends run on, for reports.</summary>
    public static string? IlgpuVersion => DeviceCatalog.IlgpuVersion;
}
