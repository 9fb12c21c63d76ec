using System.Diagnostics;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

namespace Trainer.Training.Train;

/// <summary>
/// MindSpore's high-level <c>mindspore.train.Model(network, loss_fn, optimizer, metrics)</c>: the train step
/// (forward, loss, <c>Autograd.ValueAndGrad</c>,
/// the optimizer's update, the loss ordered after it by <see cref="Ops.Depend"/>) and the eval step (loss and
/// correct predictions), compiled (graph mode) or run op by op (eager mode), and the loops over a data set that call
/// them: <see cref="Train(int, PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/> with
/// <see cref="Callback"/>s, and <see cref="Eval(PrefetchingBatchLoader)"/>, which returns the loss and accuracy.
/// </summary>
/// <remarks>
/// A step reads nothing back from the device unless a callback reads <see cref="RunContext.Loss"/>, so in graph
/// mode the host queues step after step; <see cref="LossMonitor"/> reads the loss only at the steps it logs.
/// The network and the optimizer's state are placed on the session when the model is made, unless they already are.
/// </remarks>
public sealed class Model : IDisposable
{
    private readonly Func<Tensor, Tensor, Tensor> lossFn;
    private readonly Func<Tensor, Tensor, ((Tensor Loss, Tensor Aux) Values, Tensor[] Grads)>? gradFn;

    /// <summary>
    /// The model of <paramref name="network"/> trained on <paramref name="lossFn"/>(logits, label) by
    /// <paramref name="optimizer"/>, on <paramref name="session"/>, in <paramref name="mode"/>.
    /// </summary>
    /// <remarks>Without an <paramref name="optimizer"/> (null) the model evaluates and predicts but cannot train, as MindSpore's <c>Model(network, loss_fn)</c>.</remarks>
    public Model(Session session, Cell network, Func<Tensor, Tensor, Tensor> lossFn, IOptimizer? optimizer, ExecutionMode mode, ModelOptions? options = null)
        : this((Session?)session ?? throw new ArgumentNullException(nameof(session)), network, lossFn, optimizer, mode, options, place: true)
    {
    }

    /// <summary>The model trained on MindSpore's <c>nn.CrossEntropyLoss</c>.</summary>
    public Model(Session session, Cell network, CrossEntropyLoss lossFn, IOptimizer? optimizer, ExecutionMode mode, ModelOptions? options = null)
        : this(session, network, (lossFn ?? throw new ArgumentNullException(nameof(lossFn))).Call, optimizer, mode, options)
    {
    }

    private Model(Session? session, Cell network, Func<Tensor, Tensor, Tensor> lossFn, IOptimizer? optimizer, ExecutionMode mode, ModelOptions? options, bool place)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(lossFn);
        Session = session;
        Network = network;
        _ = network.Buffers(); // gives each buffer its dotted name (layer1.bn1.moving_mean), as the traced graph prints it
        this.lossFn = lossFn;
        Optimizer = optimizer;
        Mode = mode;
        Options = options ?? new ModelOptions();
        Group = Options.Group ?? DataParallelGroup.Single;
        gradFn = optimizer is null ? null : Autograd.ValueAndGrad(ForwardFn, null, optimizer.Parameters, hasAux: true);
        var compile = new CompileOptions(Fuse: Options.Fuse, WorldSize: Group.Size);
        TrainGraph = new GraphFunction(session, "train_step", TrainStepFn, ["data", "label"], ["loss"], compile);
        EvalGraph = new GraphFunction(session, "eval_step", EvalStepFn, ["data", "label"], ["loss", "correct"], compile);
        if (session is null || !place) return;
        session.UseDataParallel(Group);
        if (network.TrainableParams().Any(p => p.Eager is null)) session.Place(network);
        if (optimizer is not null)
        {
            if (optimizer.State.Any(p => p.Eager is null)) session.Place(optimizer);
            else optimizer.Hyperparameters.Refresh(session.Eager); // a stateless optimizer (SGD): its hyperparameters go up now, not in the first step
        }
        TrainStep = mode == ExecutionMode.Graph ? new CompiledStep(TrainGraph) : new EagerStep(session, TrainStepFn);
        EvalStep = mode == ExecutionMode.Graph ? new CompiledStep(EvalGraph) : new EagerStep(session, EvalStepFn);
    }

    /// <summary>
    /// The model on no device: its steps can be traced and printed (<c>trainer graph</c> does), not run; nothing is placed.
    /// </summary>
    public Model(Cell network, Func<Tensor, Tensor, Tensor> lossFn, IOptimizer optimizer, ModelOptions? options = null)
        : this(null, network, lossFn, optimizer, ExecutionMode.Graph, options, place: false)
    {
    }

    /// <summary>The device the steps run on; null for a model made only to trace its steps.</summary>
    public Session? Session { get; }

    /// <summary>The network (MindSpore's <c>network</c>).</summary>
    public Cell Network { get; }

    /// <summary>The optimizer whose update the train step applies; null for a model that only evaluates and predicts.</summary>
    public IOptimizer? Optimizer { get; }

    /// <summary>Graph (compiled steps) or eager (op by op).</summary>
    public ExecutionMode Mode { get; }

    /// <summary>How the steps run: fusion, data parallelism, the input transform, the divergence stop.</summary>
    public ModelOptions Options { get; }

    /// <summary>The data-parallel processes this one trains with; <see cref="DataParallelGroup.Single"/> when alone.</summary>
    public DataParallelGroup Group { get; }

    /// <summary>The train step as the loops call it: one batch in, its loss out (graph or eager, by <see cref="Mode"/>).</summary>
    public IStep TrainStep { get; } = null!;

    /// <summary>The eval step as the loops call it: one batch in, its mean loss and number of correct predictions out.</summary>
    public IStep EvalStep { get; } = null!;

    /// <summary>The compiled train step (also in eager mode, where it is only traced on demand).</summary>
    internal GraphFunction TrainGraph { get; }

    /// <summary>The compiled eval step.</summary>
    internal GraphFunction EvalGraph { get; }

    private (Tensor, Tensor) ForwardFn(Tensor data, Tensor label)
    {
        var logits = Network.Call(data);
        return (lossFn(logits, label), logits);
    }

    private Tensor Input(Tensor data) => Options.InputTransform is { } transform ? transform(data) : data;

    /// <summary>
    /// The train step as a function (what graph mode traces): gradients of the loss, the optimizer's update, and the
    /// loss ordered after the update. Returns the loss alone.
    /// </summary>
    public Tensor[] TrainStepFn(Tensor data, Tensor label)
    {
        if (gradFn is null || Optimizer is null) throw new InvalidOperationException("this model has no optimizer: it evaluates and predicts, but cannot train");
        var ((loss, _), grads) = gradFn(Input(data), label);
        return [Ops.Depend(loss, Optimizer.Step(grads))];
    }

    /// <summary>The eval step as a function: the batch's mean loss and its number of correct predictions.</summary>
    public Tensor[] EvalStepFn(Tensor data, Tensor label)
    {
        var pred = Network.Call(Input(data));
        return [lossFn(pred, label), Ops.CountCorrect(pred, label)];
    }

    private Session RunningSession => Session ?? throw new InvalidOperationException("this model was made to trace its steps; it has no session to run them on");

    /// <summary>
    /// Graph mode: compiles the train step for every batch shape of <paramref name="train"/> and the eval step for
    /// every one of <paramref name="validation"/> (the full batch and the short last one), MindSpore's
    /// <c>model.build</c>, so compilation happens here rather than inside the first epoch. Returns the number of
    /// graphs compiled; 0 in eager mode, which compiles nothing.
    /// </summary>
    public int Build(PrefetchingBatchLoader? train, PrefetchingBatchLoader? validation = null)
    {
        _ = RunningSession;
        if (Mode != ExecutionMode.Graph) return 0;
        int before = TrainGraph.Compilations + EvalGraph.Compilations;
        bool wasTraining = Network.ModeForGuard;
        foreach (var (function, loader, training) in new[] { (TrainGraph, train, true), (EvalGraph, validation, false) })
        {
            if (loader is null || loader.BatchCount == 0) continue;
            var (data, dataType, label, labelType) = loader.ItemTypes();
            Network.SetTrain(training);
            foreach (var shard in loader.Shards)
            {
                // Where this rank's rows start in the global batch, as the step will see it (BatchRowOffset).
                using var rows = BatchRowOffset.Enter(shard.First);
                function.Compile(new TensorType([shard.Rows, .. data], dataType), new TensorType([shard.Rows, .. label], labelType));
            }
        }
        Network.SetTrain(wasTraining);
        return TrainGraph.Compilations + EvalGraph.Compilations - before;
    }

    /// <summary>Trains <paramref name="epochs"/> epochs of a batched pipeline (<see cref="Dataset.Batch(int, bool)"/>), prefetched; see the loader overload.</summary>
    public void Train(int epochs, Dataset batches, IEnumerable<Callback>? callbacks = null, TrainRunOptions? options = null) =>
        Train(epochs, new PrefetchingBatchLoader(batches, rank: Group.Rank, ranks: Group.Size), callbacks, options);

    /// <summary>
    /// Trains from epoch <see cref="TrainRunOptions.InitialEpoch"/> (batch <see cref="TrainRunOptions.InitialBatch"/>)
    /// up to <paramref name="epochs"/> in all, over <paramref name="data"/>'s batches of each epoch, calling
    /// <paramref name="callbacks"/> in order at each point of the run (see <see cref="Callback"/>); after each epoch
    /// the device is synchronised and, with <see cref="TrainRunOptions.Validation"/>, that set is evaluated.
    /// With several data-parallel ranks, <paramref name="data"/> must yield this rank's shares (the loader's rank and
    /// ranks equal to the <see cref="Group"/>'s) and every rank must be given callbacks that read the loss at the same steps.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss was read as NaN or infinite (<see cref="ModelOptions.StopOnNonFiniteLoss"/>).</exception>
    public void Train(int epochs, PrefetchingBatchLoader data, IEnumerable<Callback>? callbacks = null, TrainRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var session = RunningSession;
        if (Optimizer is null) throw new InvalidOperationException("this model has no optimizer: it evaluates and predicts, but cannot train");
        options ??= new TrainRunOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InitialEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InitialBatch);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InitialStep);
        if (data.Ranks != Group.Size || data.Rank != Group.Rank)
            throw new ArgumentException($"the loader yields rank {data.Rank} of {data.Ranks}'s shares, but this process is rank {Group.Rank} of {Group.Size}", nameof(data));
        var list = callbacks?.ToList() ?? [];
        var context = new RunContext(this, epochs, data.BatchCount, options.InitialStep, Group);
        foreach (var c in list) c.OnTrainBegin(context);
        for (int epoch = options.InitialEpoch; epoch < epochs && !context.StopRequested; epoch++)
        {
            context.BeginEpoch(epoch, epoch == options.InitialEpoch ? options.InitialBatch : 0);
            foreach (var c in list) c.OnEpochBegin(context);
            var clock = Stopwatch.StartNew();
            TrainEpoch(session, data, list, context);
            session.Synchronize();
            context.EndEpochSteps(clock.Elapsed.TotalSeconds);
            if (options.Validation is { } validation)
            {
                foreach (var c in list) c.OnEvalBegin(context);
                context.EvalResult = Eval(validation);
                foreach (var c in list) c.OnEvalEnd(context);
            }
            foreach (var c in list) c.OnEpochEnd(context);
        }
        foreach (var c in list) c.OnTrainEnd(context);
    }

    private void TrainEpoch(Session session, PrefetchingBatchLoader data, List<Callback> callbacks, RunContext context)
    {
        Network.SetTrain();
        int batch = 0;
        foreach (var (x, y) in data.Batches(context.Epoch))
        {
            if (batch < context.FirstBatch)
            {
                batch++;
                continue;
            }
            var shard = data.Shard(batch);
            Group.BeginBatch(shard);
            context.BeginStep(batch, shard.GlobalRows);
            foreach (var c in callbacks) c.OnStepBegin(context);
            using (BatchRowOffset.Enter(shard.First)) context.StepLaunched(TrainStep.Call(x, y)[0]);
            foreach (var c in callbacks) c.OnStepEnd(context);
            context.EndStep();
            session.EndStep();
            batch++;
            if (context.StopRequested) break;
        }
    }

    /// <summary>Evaluates a batched pipeline (<see cref="Dataset.Batch(int, bool)"/>), prefetched; see the loader overload.</summary>
    public EvalResult Eval(Dataset batches) => Eval(new PrefetchingBatchLoader(batches, rank: Group.Rank, ranks: Group.Size));

    /// <summary>
    /// The tutorial's test_loop: the network in eval mode over epoch 0 of <paramref name="data"/>, the mean of the
    /// batches' mean losses and the fraction of rows predicted correctly. With several data-parallel ranks each
    /// evaluates its share of every batch and the sums are combined, so every rank returns the same figures; the
    /// BatchNorm running statistics are first averaged over the ranks (<see cref="AverageRunningStatistics"/>), so
    /// every rank evaluates the same model.
    /// </summary>
    public EvalResult Eval(PrefetchingBatchLoader data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var session = RunningSession;
        AverageRunningStatistics();
        int batches = data.BatchCount;
        Network.SetTrain(false);
        double lossSum = 0;
        long correct = 0, total = 0;
        int batch = 0;
        foreach (var (x, y) in data.Batches(0))
        {
            var shard = data.Shard(batch++);
            var outputs = EvalStep.Call(x, y);
            // A rank that owns no row of this batch computed on a borrowed one: weight 0, and its count is not its own.
            lossSum += shard.Weight * outputs[0].Item();
            if (shard.Owned > 0) correct += outputs[1].ToInt32Array()[0];
            total += shard.Owned;
            session.EndStep();
        }
        (lossSum, correct, total) = Group.SumTest(lossSum, correct, total);
        return new EvalResult((double)correct / total, lossSum / batches, correct, total);
    }

    /// <summary>
    /// With several data-parallel ranks, makes the running statistics of the network's BatchNorm layers the mean over
    /// the ranks (each rank normalises with its own rows' statistics and updates its own running ones, as PyTorch's
    /// DistributedDataParallel does with a plain BatchNorm), so every rank holds the same model and a checkpoint does
    /// not depend on which rank wrote it. A collective: every rank calls it at the same point (<see cref="Eval(PrefetchingBatchLoader)"/>
    /// does, and the command before each checkpoint). Does nothing for one process or a network without BatchNorm.
    /// </summary>
    internal void AverageRunningStatistics()
    {
        if (Group.Size == 1) return;
        Group.AverageBuffers(RunningSession, Distributed.RunningStatistics.Of(Network));
    }

    /// <summary>
    /// MindSpore's <c>model.predict</c>: the network's output for one host batch, in eval mode, run eagerly (the
    /// input transform applied first). The tensor lives until the session's step ends (<see cref="Session.EndStep"/>).
    /// </summary>
    public Tensor Predict(HostTensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var session = RunningSession;
        Network.SetTrain(false);
        return Network.Call(Input(session.ToDevice(data)));
    }

    /// <summary>Frees the compiled steps' device memory (the network's parameters stay on the session).</summary>
    public void Dispose()
    {
        TrainGraph.Dispose();
        EvalGraph.Dispose();
    }
}
