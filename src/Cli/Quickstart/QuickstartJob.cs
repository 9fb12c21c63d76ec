using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.Loops;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// MindSpore's quick-start, written the way the tutorial writes it (forward_fn, value_and_grad,
/// train_step with depend, train_loop, test_loop), running eagerly or compiled.
/// </summary>
public sealed class QuickstartJob : IDisposable
{
    private readonly Session session;

    public QuickstartJob(Session session, TrainOptions options)
        : this(session, options, TrainingData.Open(options.DataDirectory, options.LabelColumn, options.SkipBadImages))
    {
    }

    /// <summary>
    /// The job on data sets already read (so a caller can reject bad data before opening a device). With a
    /// <paramref name="group"/> of several processes, this one trains on its share of every global batch and
    /// gradients, logged losses and test figures are combined over the group.
    /// </summary>
    public QuickstartJob(Session session, TrainOptions options, MnistDataset train, MnistDataset test, DataParallelGroup? group = null)
        : this(session, options, TrainingData.FromIdx(train, test), group)
    {
    }

    /// <summary>
    /// The job on data of any format <see cref="TrainingData"/> reads, already opened and checked; the model is sized from
    /// it (<see cref="TrainingData.Input"/>).
    /// </summary>
    public QuickstartJob(Session session, TrainOptions options, TrainingData data, DataParallelGroup? group = null)
    {
        this.session = session;
        Group = group ?? DataParallelGroup.Single;
        Options = options;
        Data = data;
        TrainData = data.IdxTrain;
        TestData = data.IdxTest;
        Steps = new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, data.Input, options.Dropout);
        if (TrainData is not null && TestData is not null) CheckData(TrainData, TestData, Steps.Classes);

        // Graph mode takes IDX images as bytes and normalises them inside the compiled step: one
        // upload of uint8 images and int32 labels together. Eager mode, and other formats, upload normalised floats.
        bool bytes = StepTakesBytes;
        TrainBatches = data.CreateBatches(trainSplit: true, options.BatchSize, options.Seed, bytes, options.Augment);
        TestBatches = data.CreateBatches(trainSplit: false, options.BatchSize, shuffleSeed: null, bytes);
        TrainLoader = data.CreateLoader(trainSplit: true, options.BatchSize, options.Seed, bytes, Group.Rank, Group.Size, options.Augment);
        TestLoader = data.CreateLoader(trainSplit: false, options.BatchSize, shuffleSeed: null, bytes, Group.Rank, Group.Size);

        Schedule = options.Schedule.Build(double.Parse(options.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture), (long)options.Epochs * TrainLoader.BatchCount, TrainLoader.BatchCount);

        Runner = Steps.CreateModel(session, options.Mode, options.Fuse, Group);
    }

    /// <summary>The learning rate per step (--lr-schedule), counted over the whole run; null for a constant rate.</summary>
    public Trainer.Training.Optim.Schedules.LearningRateSchedule? Schedule { get; }

    /// <summary>The high-level model the job trains and evaluates with: the one training loop (<see cref="Trainer.Training.Train.Model.Train(int, PrefetchingBatchLoader, IEnumerable{Trainer.Training.Train.Callback}?, Trainer.Training.Train.TrainRunOptions?)"/>).</summary>
    public Trainer.Training.Train.Model Runner { get; }

    public QuickstartSteps Steps { get; }

    /// <summary>The data-parallel processes this one trains with; <see cref="DataParallelGroup.Single"/> when alone.</summary>
    public DataParallelGroup Group { get; }

    /// <summary>Rejects data the job cannot train on: an empty set, or labels the model has no class for (<see cref="Datapipe.CheckData"/>).</summary>
    public static void CheckData(MnistDataset train, MnistDataset test, int classes) => Datapipe.CheckData(train, test, classes);
    public Trainer.Training.Nn.Cell Model => Steps.Model;

    public TrainOptions Options { get; }

    /// <summary>The data, any format.</summary>
    public TrainingData Data { get; }

    /// <summary>The IDX training split; null for data of another format.</summary>
    public MnistDataset? TrainData { get; }

    /// <summary>The IDX test split; null for data of another format.</summary>
    public MnistDataset? TestData { get; }
    /// <summary>Whether the steps take images as uint8 bytes, normalised on the device (graph mode), rather than normalised float32 (eager mode).</summary>
    public bool StepTakesBytes => Options.Mode == ExecutionMode.Graph;

    /// <summary>The training batches, uint8 images when <see cref="StepTakesBytes"/>, else normalised float32.</summary>
    public Dataset TrainBatches { get; }
    public Dataset TestBatches { get; }

    /// <summary>The training batches as the loops read them: <see cref="TrainBatches"/>' batches, prefetched.</summary>
    public PrefetchingBatchLoader TrainLoader { get; }

    /// <summary>The test batches as the loops read them: <see cref="TestBatches"/>' batches, prefetched.</summary>
    public PrefetchingBatchLoader TestLoader { get; }
    public IStep TrainStep => Runner.TrainStep;
    public IStep EvalStep => Runner.EvalStep;
    public Session Session => session;

    /// <summary>
    /// Graph mode: compiles the train and eval steps for every batch shape the epochs will show
    /// (the full batch, and the short last batch of each set), so that compilation is done before
    /// training starts rather than inside the first epoch, as the first call would. Returns the
    /// number of graphs compiled (0 in eager mode).
    /// </summary>
    public int CompileAhead() => Runner.Build(TrainLoader, TestLoader);

    /// <summary>Uploads one host batch as (data, label) eager tensors that live until the step ends.</summary>
    public (Tensor Data, Tensor Label) ToDevice(HostTensor[] batch) => (session.ToDevice(batch[0]), session.ToDevice(batch[1]));

    /// <summary>The tutorial's test_loop over the test set (<see cref="Trainer.Training.Train.Model.Eval(PrefetchingBatchLoader)"/>).</summary>
    public Trainer.Training.Train.EvalResult TestLoop() => Runner.Eval(TestLoader);

    public void Dispose() => Runner.Dispose();
}
