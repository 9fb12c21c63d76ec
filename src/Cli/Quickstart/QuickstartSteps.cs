using Trainer.Graph.Compilation;
using Trainer.Training;
using Trainer.Training.Loops;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Distributed = Trainer.Training.Distributed;
using Train = Trainer.Training.Train;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// The quick-start's model, loss, optimizer and step functions, written as the tutorial writes them
/// and independent of any device: `trainer graph` traces them without one.
/// </summary>
public sealed class QuickstartSteps
{
    private readonly CrossEntropyLoss lossFn = new();
    private readonly Train.Model steps;

    /// <summary>The network and optimizer of the quick-start, weights from <paramref name="seed"/>.</summary>
    public QuickstartSteps(ulong seed, float learningRate, OptimizerOptions? optimizer = null, ModelKind model = ModelKind.Mlp)
        : this(seed, learningRate, optimizer, model, ModelInput.Mnist, 0f)
    {
    }

    /// <summary>The same, with a Dropout of probability <paramref name="dropout"/> before each hidden Dense (<see cref="ModelKinds.Create(ModelKind, float)"/>).</summary>
    public QuickstartSteps(ulong seed, float learningRate, OptimizerOptions? optimizer, ModelKind model, float dropout)
        : this(seed, learningRate, optimizer, model, ModelInput.Mnist, dropout)
    {
    }

    /// <summary>The network (sized for <paramref name="input"/>, the data set's example shape and classes) and optimizer, weights from <paramref name="seed"/>.</summary>
    public QuickstartSteps(ulong seed, float learningRate, OptimizerOptions? optimizer, ModelKind model, ModelInput input)
        : this(seed, learningRate, optimizer, model, input, 0f)
    {
    }

    /// <summary>
    /// The network (sized for <paramref name="input"/>, with a Dropout of probability <paramref name="dropout"/> before each
    /// hidden Dense) and optimizer, weights from <paramref name="seed"/>.
    /// </summary>
    public QuickstartSteps(ulong seed, float learningRate, OptimizerOptions? optimizer, ModelKind model, ModelInput input, float dropout)
    {
        ArgumentNullException.ThrowIfNull(input);
        GlobalSeed.Set(seed);
        Kind = model;
        Input = input;
        Dropout = dropout;
        Model = ModelKinds.Create(model, input, dropout);
        Optimizer = (optimizer ?? OptimizerOptions.Default).Create(Model.TrainableParams(), learningRate);
        steps = new Train.Model(Model, lossFn.Call, Optimizer, new Train.ModelOptions { InputTransform = Datapipe.OnDevice });
    }

    /// <summary>
    /// The high-level <see cref="Train.Model"/> of this model, loss and optimizer on <paramref name="session"/> (which
    /// it places them on), taking images as normalised float32 or as uint8 bytes (<see cref="Datapipe.OnDevice"/>).
    /// </summary>
    public Train.Model CreateModel(Session session, ExecutionMode mode, bool fuse = true, Distributed.DataParallelGroup? group = null) =>
        new(session, Model, lossFn.Call, Optimizer, mode, new Train.ModelOptions { Fuse = fuse, Group = group, InputTransform = Datapipe.OnDevice });

    /// <summary>The network: the tutorial's MLP or LeNet-5, as <see cref="Kind"/> says.</summary>
    public Cell Model { get; }

    /// <summary>The example shape and class count the model is sized for.</summary>
    public ModelInput Input { get; }

    /// <summary>The probability of the Dropout before each hidden Dense; 0 for none.</summary>
    public float Dropout { get; }

    /// <summary>Which of the zoo's models <see cref="Model"/> is.</summary>
    public ModelKind Kind { get; }

    /// <summary>How many classes the model tells apart (both models: the ten digits).</summary>
    public int Classes => ((IClassifier)Model).Classes;
    /// <summary>The optimizer over the network's parameters.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>
    /// The tutorial's train_step: gradients, an optimizer step, and the loss ordered after it. Images
    /// may come as normalised float32 or as uint8 bytes (<see cref="Datapipe.OnDevice"/>).
    /// </summary>
    public Tensor[] TrainStepFn(Tensor data, Tensor label) => steps.TrainStepFn(data, label);

    /// <summary>The tutorial's test_loop body: the batch loss and the number of correct predictions.</summary>
    public Tensor[] EvalStepFn(Tensor data, Tensor label) => steps.EvalStepFn(data, label);

    /// <summary>The training step, compiled on first call.</summary>
    public GraphFunction CompileTrainStep(Session? session, CompileOptions options) =>
        new(session, "train_step", TrainStepFn, ["data", "label"], ["loss"], options);

    /// <summary>The evaluation step (loss and correct count), compiled on first call.</summary>
    public GraphFunction CompileEvalStep(Session? session, CompileOptions options) =>
        new(session, "eval_step", EvalStepFn, ["data", "label"], ["loss", "correct"], options);
}
