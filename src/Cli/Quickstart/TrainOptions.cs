using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Training.Optim;

namespace Trainer.Cli.Quickstart;

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

    /// <summary>The model: the tutorial's MLP unless asked otherwise.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mlp;

    /// <summary>The learning-rate schedule (`--lr-schedule`): constant unless asked otherwise.</summary>
    public ScheduleChoice Schedule { get; init; } = ScheduleChoice.Constant;

    /// <summary>The optimizer: the tutorial's SGD unless asked otherwise.</summary>
    public OptimizerOptions Optimizer { get; init; } = OptimizerOptions.Default;
    public ulong Seed { get; init; }
    public bool Fuse { get; init; } = true;

    /// <summary>`--cuda-graph on|off`: replay each compiled step as one CUDA graph; null means the default (off until verified on a GPU: Session.CudaGraphsByDefault).</summary>
    public bool? CudaGraph { get; init; }
}
