using Trainer.Training.Hosting;

namespace Trainer.Training.Loops;

/// <summary>Everything `trainer train` can be told; the defaults are the tutorial's.</summary>
public sealed record TrainOptions
{
    /// <summary>The device to open and, for the native cpu backend, its worker threads.</summary>
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;
    public ExecutionMode Mode { get; init; } = ExecutionMode.Graph;
    public string? DataDirectory { get; init; }
    public int Epochs { get; init; } = 2;
    public int BatchSize { get; init; } = 64;
    public float LearningRate { get; init; } = 0.01f;
    public ulong Seed { get; init; }
    public bool Fuse { get; init; } = true;
}
