using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Train;
using Trainer.Training;

namespace Trainer.Cli.Commands;

/// <summary>
/// What `trainer eval` and `trainer predict` share: read a checkpoint (safetensors or MindSpore .ckpt, told apart by
/// content), match it against the model its metadata names (or --model for a weights-only file) with --rename and
/// --strict before opening a device, then a job on the device with the checkpoint's weights loaded.
/// </summary>
internal static class CheckpointJob
{
    /// <summary>`--dropout P` where a checkpoint is read: which layout a weights-only file has (a trainer checkpoint says it itself).</summary>
    public static readonly CommandOption DropoutOption = new("--dropout", "P", "the model's Dropout probability, for its parameter names (default the checkpoint's; a weights-only file is taken as 0)");

    /// <summary>The options eval and predict share.</summary>
    public static readonly CommandOption[] Options =
    [
        new("--checkpoint", "FILE", "a checkpoint from 'trainer train --save' (.safetensors or .ckpt), or weights from PyTorch, Hugging Face or MindSpore (required)"),
        CommonOptions.Data, CommonOptions.LabelColumn, CommonOptions.SkipBadImages,
        new("--batch-size", "N", "images per batch (default the checkpoint's, else 64)"),
        new("--model", "NAME", "mlp, lenet or resnet8 (default the checkpoint's; a weights-only file is taken as mlp)"),
        DropoutOption,
        .. WeightOptions.All,
        CommonOptions.Device, CommonOptions.Threads,
    ];

    /// <summary>
    /// The checkpoint matched to the model, the options to rebuild the model, and the data (opened and checked: a model
    /// sized for other data is refused); no device opened yet. A trainer checkpoint's model is sized as its metadata says
    /// (MNIST's 1x28x28 and 10 classes when it predates that record); a weights-only file is sized from the data.
    /// </summary>
    /// <param name="r">The command line.</param>
    /// <param name="withData">False for a command that reads no data (export): the model is then sized as the checkpoint says and Data is null.</param>
    public static (WeightMatch Weights, TrainOptions Options, TrainingData Data) Read(ArgumentReader r, bool withData = true)
    {
        string path = r.String("--checkpoint") ?? throw r.Error("--checkpoint FILE is required");
        var load = WeightOptions.Read(r);
        var file = WeightFiles.Read(path);
        var info = CheckpointInfo.FromMetadata(path, file.Metadata);
        var model = info.Model;
        if (r.Has("--model"))
        {
            var given = r.Model();
            if (info.FromTrainer && given != info.Model)
                throw r.Error($"--model {ModelKinds.Name(given)} contradicts '{path}', which holds a {ModelKinds.Name(info.Model)}");
            model = given;
        }
        float dropout = info.Dropout;
        if (r.Has("--dropout"))
        {
            float given = r.Dropout(model);
            if (info.FromTrainer && given != info.Dropout)
                throw r.Error($"--dropout {given.ToString(System.Globalization.CultureInfo.InvariantCulture)} contradicts '{path}', which was trained with dropout {info.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            dropout = given;
        }
        var options = new TrainOptions
        {
            Device = r.Device(),
            Mode = r.Mode(),
            DataDirectory = r.String("--data"),
            LabelColumn = r.String("--label-column") ?? TrainingData.DefaultLabelColumn,
            SkipBadImages = r.Has("--skip-bad-images"),
            BatchSize = r.PositiveInt("--batch-size", info.BatchSize),
            LearningRate = info.LearningRate,
            Seed = info.Seed,
            Optimizer = info.Optimizer,
            Model = model,
            Dropout = dropout,
        };
        if (!withData)
            return (QuickstartCheckpoint.Match(file, new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, info.Input, options.Dropout), withOptimizer: false, load), options, null!);
        var data = TrainingData.Open(options.DataDirectory, options.LabelColumn, options.SkipBadImages);
        try
        {
            if (info.FromTrainer) CheckSameData(path, info, data);
            TrainCommand.CheckDataFits(options, data);
            var match = QuickstartCheckpoint.Match(file, new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, data.Input, options.Dropout), withOptimizer: false, load);
            return (match, options, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses <paramref name="data"/> for the trainer checkpoint at <paramref name="path"/> when it is not data of the kind the run
    /// trained on: another input shape or class count, other class names (when both name them), or images normalised otherwise
    /// than the checkpoint records. Each is one line naming the file.
    /// </summary>
    public static void CheckSameData(string path, CheckpointInfo info, TrainingData data)
    {
        if (info.Input != data.Input)
            throw new CheckpointException(path, $"its model was sized for {info.Input}, and --data holds {data.Input}");
        if (info.ClassNames is { } named && data.ClassNames is { } found && !named.SequenceEqual(found, StringComparer.Ordinal))
            throw new CheckpointException(path, $"its classes are {string.Join(", ", named)}, and --data names {string.Join(", ", found)}");
        if (info.Pixels is { } recorded && data.Normalization is { } used && recorded != used)
            throw new CheckpointException(path, $"its images were normalised with {recorded} in training, and --data's images are normalised with {used}; give data of the format it was trained on");
    }

    /// <summary>
    /// Reads and checks the data set (before any device is opened: bad data costs nothing), then opens the device and
    /// an evaluation-only <see cref="Model"/> (no optimizer) whose network holds the checkpoint's weights, with the test
    /// batches as the options' mode takes them.
    /// </summary>
    public static EvalJob Open(WeightMatch weights, TrainOptions options, TrainingData data)
    {
        var (session, model) = OpenModel(weights, options, data.Input);
        try
        {
            // Graph mode takes the images as bytes and normalises them in the step; eager mode takes normalised floats.
            var loader = data.CreateLoader(trainSplit: false, options.BatchSize, shuffleSeed: null, bytes: options.Mode == ExecutionMode.Graph);
            return new EvalJob(session, model, data, loader);
        }
        catch
        {
            model.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the device and an evaluation-only <see cref="Model"/> (no optimizer) sized for <paramref name="input"/> whose network
    /// holds the checkpoint's weights; the caller disposes both (model first). What predict runs one picture or row on, with no data set.
    /// </summary>
    public static (Session Session, Model Model) OpenModel(WeightMatch weights, TrainOptions options, ModelInput input)
    {
        var session = Session.Open(options.Device);
        try
        {
            GlobalSeed.Set(options.Seed);
            var network = ModelKinds.Create(options.Model, input, options.Dropout);
            var model = new Model(session, network, new CrossEntropyLoss(), optimizer: null, options.Mode,
                new ModelOptions { InputTransform = Datapipe.OnDevice });
            TrainingCheckpoint.Load(weights, session, network, optimizer: null);
            return (session, model);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}

/// <summary>What eval and predict run on: the session, the checkpoint's model, the data and its test batches.</summary>
internal sealed record EvalJob(Session Session, Model Model, TrainingData Data, PrefetchingBatchLoader TestLoader) : IDisposable
{
    public void Dispose()
    {
        Model.Dispose();
        Session.Dispose();
        Data.Dispose();
    }
}
