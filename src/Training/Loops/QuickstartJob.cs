using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Graph.Compilation;
using Trainer.Training.Data;
using Trainer.Training.Distributed;

namespace Trainer.Training.Loops;

/// <summary>
/// MindSpore's quick-start, written the way the tutorial writes it (forward_fn, value_and_grad,
/// train_step with depend, train_loop, test_loop), running eagerly or compiled.
/// </summary>
public sealed class QuickstartJob : IDisposable
{
    private readonly Session session;

    /// <summary>Loads the data and builds the network, optimizer and steps of <paramref name="options"/> on <paramref name="session"/>.</summary>
    public QuickstartJob(Session session, TrainOptions options)
        : this(session, options, new MnistDataset(options.DataDirectory, "train"), new MnistDataset(options.DataDirectory, "test"))
    {
    }

    /// <summary>
    /// The job on data sets already read (so a caller can reject bad data before opening a device). With a
    /// <paramref name="group"/> of several processes, this one trains on its share of every global batch and
    /// gradients, logged losses and test figures are combined over the group.
    /// </summary>
    public QuickstartJob(Session session, TrainOptions options, MnistDataset train, MnistDataset test, DataParallelGroup? group = null)
    {
        this.session = session;
        Group = group ?? DataParallelGroup.Single;
        session.UseDataParallel(Group);
        Options = options;
        TrainData = train;
        TestData = test;
        Steps = new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model);
        CheckData(train, test, Steps.Classes);
        session.Place(Model);
        session.Place(Steps.Optimizer);

        // Graph mode takes the images as bytes and normalises them inside the compiled step: one
        // upload of uint8 images and int32 labels together. Eager mode uploads normalised floats.
        bool bytes = StepTakesBytes;
        TrainBatches = Datapipe.Create(TrainData, options.BatchSize, options.Seed, bytes);
        TestBatches = Datapipe.Create(TestData, options.BatchSize, shuffleSeed: null, bytes);
        TrainLoader = Datapipe.CreateLoader(TrainData, options.BatchSize, options.Seed, bytes, Group.Rank, Group.Size);
        TestLoader = Datapipe.CreateLoader(TestData, options.BatchSize, shuffleSeed: null, bytes, Group.Rank, Group.Size);

        var compile = new CompileOptions(Fuse: options.Fuse, WorldSize: Group.Size);
        TrainStep = options.Mode == ExecutionMode.Graph
            ? new CompiledStep(Steps.CompileTrainStep(session, compile))
            : new EagerStep(session, Steps.TrainStepFn);
        EvalStep = options.Mode == ExecutionMode.Graph
            ? new CompiledStep(Steps.CompileEvalStep(session, compile))
            : new EagerStep(session, Steps.EvalStepFn);
    }

    /// <summary>The network, optimizer and step functions.</summary>
    public QuickstartSteps Steps { get; }

    /// <summary>The data-parallel processes this one trains with; <see cref="DataParallelGroup.Single"/> when alone.</summary>
    public DataParallelGroup Group { get; }

    /// <summary>Rejects data the job cannot train on: an empty set, or labels the model has no class for.</summary>
    public static void CheckData(MnistDataset train, MnistDataset test, int classes)
    {
        foreach (var set in new[] { train, test })
            if (set.Count == 0)
                throw new DatasetException($"{set.Source}: the {set.Usage} set has no images");
        int maxLabel = Math.Max(train.MaxLabel, test.MaxLabel);
        if (maxLabel >= classes)
            throw new DatasetException($"{train.Source}: labels go up to {maxLabel}, but the model has {classes} classes");
    }
    /// <summary>The network being trained.</summary>
    public Nn.Cell Model => Steps.Model;

    /// <summary>The settings of the run.</summary>
    public TrainOptions Options { get; }
    /// <summary>The training images and labels.</summary>
    public MnistDataset TrainData { get; }
    /// <summary>The test images and labels.</summary>
    public MnistDataset TestData { get; }
    /// <summary>Whether the steps take images as uint8 bytes, normalised on the device (graph mode), rather than normalised float32 (eager mode).</summary>
    public bool StepTakesBytes => Options.Mode == ExecutionMode.Graph;

    /// <summary>The training batches, uint8 images when <see cref="StepTakesBytes"/>, else normalised float32.</summary>
    public Dataset TrainBatches { get; }
    /// <summary>The test set through the datapipe, batched.</summary>
    public Dataset TestBatches { get; }

    /// <summary>The training batches as the loops read them: <see cref="TrainBatches"/>' batches, prefetched.</summary>
    public PrefetchingBatchLoader TrainLoader { get; }

    /// <summary>The test batches as the loops read them: <see cref="TestBatches"/>' batches, prefetched.</summary>
    public PrefetchingBatchLoader TestLoader { get; }
    /// <summary>One training step, eager or compiled as the options say.</summary>
    public IStep TrainStep { get; }
    /// <summary>One evaluation step (loss and correct count), eager or compiled as the options say.</summary>
    public IStep EvalStep { get; }
    /// <summary>The device session the job runs on.</summary>
    public Session Session => session;

    /// <summary>
    /// Graph mode: compiles the train and eval steps for every batch shape the epochs will show
    /// (the full batch, and the short last batch of each set), so that compilation is done before
    /// training starts rather than inside the first epoch, as the first call would. Returns the
    /// number of graphs compiled (0 in eager mode).
    /// </summary>
    public int CompileAhead()
    {
        int compiled = 0;
        foreach (var (step, data, loader) in new[] { (TrainStep, TrainData, TrainLoader), (EvalStep, TestData, TestLoader) })
        {
            if (step is not CompiledStep c) continue;
            foreach (int rows in loader.RowCounts)
            {
                c.Function.Compile(new TensorType([rows, 1, data.ImageHeight, data.ImageWidth], StepTakesBytes ? DType.UInt8 : DType.Float32), TensorType.Int(rows));
                compiled++;
            }
        }
        return compiled;
    }

    /// <summary>Uploads one host batch as (data, label) eager tensors that live until the step ends.</summary>
    public (Tensor Data, Tensor Label) ToDevice(HostTensor[] batch) => (session.ToDevice(batch[0]), session.ToDevice(batch[1]));

    /// <summary>How often the loop reads the loss to guard against divergence: every step (1) or only at the logged steps (100).</summary>
    public int LossCheckInterval { get; set; } = LogInterval;

    /// <summary>The tutorial logs the loss every 100 batches.</summary>
    public const int LogInterval = 100;

    /// <summary>
    /// One pass over the training set, from batch <paramref name="startBatch"/> (a resumed run skips
    /// the ones already trained); logs like the tutorial's train_loop. The loss is read at the logged
    /// steps and every <see cref="LossCheckInterval"/> steps, and a non-finite one stops training with
    /// <see cref="TrainingDivergedException"/>.
    /// </summary>
    public void TrainLoop(int epoch, TextWriter log, int startBatch = 0, ITrainObserver? observer = null)
    {
        int size = TrainLoader.BatchCount;
        Model.SetTrain();
        int batch = 0;
        foreach (var (data, label) in TrainLoader.Batches(epoch))
        {
            if (batch < startBatch)
            {
                batch++;
                continue;
            }
            var shard = TrainLoader.Shard(batch);
            Group.BeginBatch(shard);
            var loss = TrainStep.Call(data, label)[0];
            bool logged = batch % LogInterval == 0;
            float? value = null;
            // Reading the loss waits for the device, so only the logged (and guard) steps read it. With several
            // processes it is the global batch's loss, combined over all of them at the same steps on each.
            if (logged || batch % LossCheckInterval == 0)
            {
                value = Group.CombineLoss(loss.Item());
                if (!float.IsFinite(value.Value))
                    throw TrainingDivergedException.Loss(epoch + 1, batch, value.Value);
                if (logged)
                    log.WriteLine(FormattableString.Invariant($"loss: {value.Value,7:F6}  [{batch,3}/{size,3}]"));
            }
            session.EndStep();
            observer?.AfterStep(epoch, batch, shard.GlobalRows, value);
            batch++;
        }
    }

    /// <summary>
    /// The tutorial's test_loop: mean batch loss and accuracy over the test set. With several processes each
    /// evaluates its share of every batch and the sums are combined, so every process returns the same figures.
    /// </summary>
    public (double Accuracy, double AvgLoss) TestLoop(TextWriter log)
    {
        int batches = TestLoader.BatchCount;
        Model.SetTrain(false);
        double testLoss = 0;
        long correct = 0, total = 0;
        int batch = 0;
        foreach (var (data, label) in TestLoader.Batches(0))
        {
            var shard = TestLoader.Shard(batch++);
            var outputs = EvalStep.Call(data, label);
            // A rank that owns no row of this batch computed on a borrowed one: weight 0, and its count is not its own.
            testLoss += shard.Weight * outputs[0].Item();
            if (shard.Owned > 0) correct += outputs[1].ToInt32Array()[0];
            total += shard.Owned;
            session.EndStep();
        }
        (testLoss, correct, total) = Group.SumTest(testLoss, correct, total);
        testLoss /= batches;
        double accuracy = (double)correct / total;
        log.WriteLine("Test: ");
        log.WriteLine(FormattableString.Invariant($" Accuracy: {100 * accuracy:F1}%, Avg loss: {testLoss,8:F6} "));
        log.WriteLine();
        return (accuracy, testLoss);
    }

    /// <summary>Frees the compiled steps.</summary>
    public void Dispose()
    {
        (TrainStep as CompiledStep)?.Function.Dispose();
        (EvalStep as CompiledStep)?.Function.Dispose();
    }
}
