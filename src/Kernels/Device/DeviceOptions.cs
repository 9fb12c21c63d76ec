namespace Trainer.Kernels.Device;

/// <summary>How to open a device, beyond its kind.</summary>
public sealed record DeviceOptions
{
    /// <summary>Worker threads of the native CPU backend; 0 means one per core. Other backends ignore it.</summary>
    public int Threads { get; init; }

    public static DeviceOptions Default { get; } = new();
}
