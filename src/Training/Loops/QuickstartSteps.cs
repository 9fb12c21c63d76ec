using Trainer.Graph.Compilation;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

namespace Trainer.Training.Loops;

/// <summary>
/// The quick-start's model, loss, optimizer and step functions, written as the tutorial writes them
/// and independent of any device: `trainer graph` traces them without one.
/// </summary>
public sealed class QuickstartSteps
{
    private readonly CrossEntropyLoss lossFn = new();
    private readonly Func<Tensor, Tensor, ((Tensor Loss, Tensor Aux) Values, Tensor[] Grads)> gradFn;

    /// <summary>The network and optimizer of the quick-start, weights from <paramref name="seed"/>.</summary>
    public QuickstartSteps(ulong seed, float learningRate, OptimizerOptions? optimizer = null, ModelKind model = ModelKind.Mlp)
    {
        GlobalSeed.Set(seed);
        Kind = model;
        Model = ModelKinds.Create(model);
        Optimizer = (optimizer ?? OptimizerOptions.Default).Create(Model.TrainableParams(), learningRate);
        gradFn = Autograd.ValueAndGrad(ForwardFn, null, Optimizer.Parameters, hasAux: true);
    }

    /// <summary>The network.</summary>
    public Cell Model { get; }

    /// <summary>Which of the zoo's models <see cref="Model"/> is.</summary>
    public ModelKind Kind { get; }

    /// <summary>How many classes the model tells apart (both models: the ten digits).</summary>
    public int Classes => ((IClassifier)Model).Classes;
    /// <summary>The optimizer over the network's parameters.</summary>
    public IOptimizer Optimizer { get; }

    private (Tensor, Tensor) ForwardFn(Tensor data, Tensor label)
    {
        var logits = Model.Call(data);
        var loss = lossFn.Call(logits, label);
        return (loss, logits);
    }

    /// <summary>
    /// The tutorial's train_step: gradients, an optimizer step, and the loss ordered after it. Images
    /// may come as normalised float32 or as uint8 bytes (<see cref="Datapipe.OnDevice"/>).
    /// </summary>
    public Tensor[] TrainStepFn(Tensor data, Tensor label)
    {
        var ((loss, _), grads) = gradFn(Datapipe.OnDevice(data), label);
        return [Ops.Depend(loss, Optimizer.Step(grads))];
    }

    /// <summary>The tutorial's test_loop body: the batch loss and the number of correct predictions.</summary>
    public Tensor[] EvalStepFn(Tensor data, Tensor label)
    {
        var pred = Model.Call(Datapipe.OnDevice(data));
        return [lossFn.Call(pred, label), Ops.CountCorrect(pred, label)];
    }

    /// <summary>The training step, compiled on first call.</summary>
    public GraphFunction CompileTrainStep(Session? session, CompileOptions options) =>
        new(session, "train_step", TrainStepFn, ["data", "label"], ["loss"], options);

    /// <summary>The evaluation step (loss and correct count), compiled on first call.</summary>
    public GraphFunction CompileEvalStep(Session? session, CompileOptions options) =>
        new(session, "eval_step", EvalStepFn, ["data", "label"], ["loss", "correct"], options);
}
