namespace Trainer.Kernels.Device;

/// <summary>How to open a device, beyond its kind.</summary>
public sealed record DeviceOptions
{
    /// <summary>Worker threads of the native CPU backend; 0 means one per core. Other backends ignore it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Which device of the requested kind to open, counted modulo how many there are: a data-parallel rank passes its
    /// local rank, so the ranks on a machine with several GPUs spread over them (rank % count). 0, the first, by default.
    /// </summary>
    public int Ordinal { get; init; }

    /// <summary>One thread per core and the first device of the kind.</summary>
    public static DeviceOptions Default { get; } = new();
}
