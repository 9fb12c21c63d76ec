using Trainer.Kernels.Device;

namespace Trainer.Training.Loops;

/// <summary>Everything `trainer train` can be told; the defaults are the tutorial's.</summary>
public sealed record TrainOptions
{
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Worker threads of the native CPU backend (0: one per core).</summary>
    public int Threads { get; init; }

    public DeviceOptions DeviceOptions => new() { Threads = Threads };
    public ExecutionMode Mode { get; init; } = ExecutionMode.Graph;
    public string? DataDirectory { get; init; }
    public int Epochs { get; init; } = 2;
    public int BatchSize { get; init; } = 64;
    public float LearningRate { get; init; } = 0.01f;
    public ulong Seed { get; init; }
    public bool Fuse { get; init; } = true;
}
