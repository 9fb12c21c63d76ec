using Trainer.Cli.Quickstart;
using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Optim;
using Trainer.Training.Tests.Loops;

namespace Trainer.Training.Tests.Export;

/// <summary>
/// A zoo model trained for a few dozen steps with Adam on the built-in digits (native CPU backend, graph mode),
/// with what <c>trainer eval</c> computes from it: the test loop's accuracy and average loss, and the
/// logits of the eval step's forward pass (the same compiled graph, batches of 64, uint8 pixels
/// normalised on the device) for every test image.
/// </summary>
public sealed class TrainedZooModel
{
    public const int Steps = 40;

    private TrainedZooModel(ModelKind kind)
    {
        Kind = kind;
        Session = Session.Open(DeviceKind.Cpu);
        // Adam: a few dozen steps take both models well past chance, so the predictions compared are real ones.
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam };
        Job = new ReferenceJob(Session, new ReferenceOptions
        {
            Device = DeviceRequest.For(DeviceKind.Cpu), Model = kind, Seed = 5, Optimizer = adam, LearningRate = adam.DefaultLearningRate,
        });
        foreach (var (data, label) in Job.TrainLoader.Batches(0).Take(Steps))
        {
            Job.TrainStep.Call(data, label);
            Session.EndStep();
        }
        var test = Job.TestLoop();
        (Accuracy, AvgLoss) = (test.Accuracy, test.Loss);
        Classes = Job.Steps.Classes;
        Logits = EvalLogits();
    }

    public ModelKind Kind { get; }
    public Session Session { get; }
    public ReferenceJob Job { get; }
    public int Classes { get; }

    /// <summary><c>trainer eval</c>'s figures: the fraction of test images classified right and the mean of the batch losses.</summary>
    public double Accuracy { get; }
    public double AvgLoss { get; }

    /// <summary>[test images × classes], row-major, in the test set's order.</summary>
    public float[] Logits { get; }

    public MnistDataset Test => Job.TestData;

    private float[] EvalLogits()
    {
        using var forward = new GraphFunction(Session, "eval_logits",
            (data, _) => [Job.Model.Call(Datapipe.OnDevice(data))], ["data", "label"], ["logits"], new CompileOptions());
        var logits = new float[Test.Count * Classes];
        int row = 0;
        foreach (var (data, label) in Job.TestLoader.Batches(0))
        {
            var values = forward.Call(data, label)[0].ToFloatArray();
            values.CopyTo(logits, row * Classes);
            row += data.Shape[0];
            Session.EndStep();
        }
        Assert.Equal(Test.Count, row);
        return logits;
    }

    private static readonly Dictionary<ModelKind, Lazy<TrainedZooModel>> Models = new()
    {
        [ModelKind.Mlp] = new(() => new TrainedZooModel(ModelKind.Mlp)),
        [ModelKind.LeNet] = new(() => new TrainedZooModel(ModelKind.LeNet)),
    };

    /// <summary>The model of <paramref name="kind"/>, trained once per test run and shared (tests only read it; the process's end frees it).</summary>
    public static TrainedZooModel Of(ModelKind kind) => Models[kind].Value;
}
