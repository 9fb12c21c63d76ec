using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Training.Optim;

namespace Trainer.Cli.Quickstart;

/// <summary>Everything `trainer train` can be told; the defaults are the tutorial's.</summary>
public sealed record TrainOptions
{
    /// <summary>The device to open and, for the native cpu backend, its worker threads.</summary>
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;
    /// <summary>Eager or graph mode.</summary>
    public ExecutionMode Mode { get; init; } = ExecutionMode.Graph;
    /// <summary>The data (`--data`): a folder of MNIST IDX files, CIFAR-10/100 binary files or train/test image folders, or a CSV file (<see cref="TrainingData"/>); null for the built-in digits.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The label column of a CSV file (`--label-column`).</summary>
    public string LabelColumn { get; init; } = TrainingData.DefaultLabelColumn;

    /// <summary>RandomCrop and RandomHorizontalFlip on training images of formats other than IDX (`--augment`).</summary>
    public bool Augment { get; init; }

    /// <summary>Leave out (and count) image files that cannot be decoded (`--skip-bad-images`) rather than stop.</summary>
    public bool SkipBadImages { get; init; }
    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 2;
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>The learning rate.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>The model: the tutorial's MLP unless asked otherwise.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mlp;

    /// <summary>`--dropout P`: the probability of a Dropout before each hidden Dense; 0 (the default) for none.</summary>
    public float Dropout { get; init; }

    /// <summary>The learning-rate schedule (`--lr-schedule`): constant unless asked otherwise.</summary>
    public ScheduleChoice Schedule { get; init; } = ScheduleChoice.Constant;

    /// <summary>The optimizer: the tutorial's SGD unless asked otherwise.</summary>
    public OptimizerOptions Optimizer { get; init; } = OptimizerOptions.Default;
    /// <summary>Seed of the initial weights and the shuffling.</summary>
    public ulong Seed { get; init; }
    /// <summary>Whether graph mode runs the fusion passes.</summary>
    public bool Fuse { get; init; } = true;

    /// <summary>`--cuda-graph on|off`: replay each compiled step as one CUDA graph; null means the default (off until verified on a GPU: Session.CudaGraphsByDefault).</summary>
    public bool? CudaGraph { get; init; }
}
