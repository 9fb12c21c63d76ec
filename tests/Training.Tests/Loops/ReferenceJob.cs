using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Training.Optim;
using Trainer.Training.Train;

namespace Trainer.Training.Tests.Loops;

/// <summary>The settings of a <see cref="ReferenceJob"/>: the quick-start's defaults unless a test says otherwise.</summary>
public sealed record ReferenceOptions
{
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;
    public ExecutionMode Mode { get; init; } = ExecutionMode.Graph;
    public string? DataDirectory { get; init; }
    public int BatchSize { get; init; } = 64;
    public float LearningRate { get; init; } = 0.01f;
    public ModelKind Model { get; init; } = ModelKind.Mlp;
    public float Dropout { get; init; }
    public OptimizerOptions Optimizer { get; init; } = OptimizerOptions.Default;
    public ulong Seed { get; init; }
    public bool Fuse { get; init; } = true;
}

/// <summary>
/// The quick-start on a session, composed from the library's public pieces as a user's program composes it: the
/// zoo's steps (<see cref="QuickstartSteps"/>), a <see cref="Model"/> of them, and the tutorial's pipeline
/// (<see cref="Datapipe"/>), images as bytes in graph mode (normalised in the step) and as floats in eager mode.
/// </summary>
public sealed class ReferenceJob : IDisposable
{
    public ReferenceJob(Session session, ReferenceOptions options)
    {
        Session = session;
        TrainData = new MnistDataset(options.DataDirectory, "train");
        TestData = new MnistDataset(options.DataDirectory, "test");
        Steps = new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, options.Dropout);
        bool bytes = options.Mode == ExecutionMode.Graph;
        TrainBatches = Datapipe.Create(TrainData, options.BatchSize, options.Seed, bytes);
        TrainLoader = Datapipe.CreateLoader(TrainData, options.BatchSize, options.Seed, bytes);
        TestLoader = Datapipe.CreateLoader(TestData, options.BatchSize, shuffleSeed: null, bytes);
        Runner = Steps.CreateModel(session, options.Mode, options.Fuse);
    }

    public Session Session { get; }
    public MnistDataset TrainData { get; }
    public MnistDataset TestData { get; }
    public QuickstartSteps Steps { get; }
    public Trainer.Training.Nn.Cell Model => Steps.Model;
    public Model Runner { get; }
    public Dataset TrainBatches { get; }
    public PrefetchingBatchLoader TrainLoader { get; }
    public PrefetchingBatchLoader TestLoader { get; }
    public IStep TrainStep => Runner.TrainStep;

    public int CompileAhead() => Runner.Build(TrainLoader, TestLoader);

    public (Tensor Data, Tensor Label) ToDevice(HostTensor[] batch) => (Session.ToDevice(batch[0]), Session.ToDevice(batch[1]));

    public EvalResult TestLoop() => Runner.Eval(TestLoader);

    public void Dispose() => Runner.Dispose();
}
