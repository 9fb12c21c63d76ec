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
    /// <summary>The options eval and predict share.</summary>
    public static readonly CommandOption[] Options =
    [
        new("--checkpoint", "FILE", "a checkpoint from 'trainer train --save' (.safetensors or .ckpt), or weights from PyTorch, Hugging Face or MindSpore (required)"),
        CommonOptions.Data,
        new("--batch-size", "N", "images per batch (default the checkpoint's, else 64)"),
        new("--model", "NAME", "mlp, lenet or resnet8 (default the checkpoint's; a weights-only file is taken as mlp)"),
        .. WeightOptions.All,
        CommonOptions.Device, CommonOptions.Threads,
    ];

    /// <summary>The checkpoint matched to the model, and the options to rebuild the model; no device opened yet.</summary>
    public static (WeightMatch Weights, TrainOptions Options) Read(ArgumentReader r)
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
        var options = new TrainOptions
        {
            Device = r.Device(),
            Mode = r.Mode(),
            DataDirectory = r.String("--data"),
            BatchSize = r.PositiveInt("--batch-size", info.BatchSize),
            LearningRate = info.LearningRate,
            Seed = info.Seed,
            Optimizer = info.Optimizer,
            Model = model,
        };
        var match = TrainingCheckpoint.Match(file, new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model), withOptimizer: false, load);
        return (match, options);
    }

    /// <summary>
    /// Reads and checks the data set (before any device is opened: bad data costs nothing), then opens the device and
    /// an evaluation-only <see cref="Model"/> (no optimizer) whose network holds the checkpoint's weights, with the test
    /// batches as the options' mode takes them.
    /// </summary>
    public static EvalJob Open(WeightMatch weights, TrainOptions options)
    {
        var train = new MnistDataset(options.DataDirectory, "train");
        var test = new MnistDataset(options.DataDirectory, "test");
        Datapipe.CheckData(train, test, MnistNetwork.DefaultClasses);
        var session = Session.Open(options.Device);
        try
        {
            GlobalSeed.Set(options.Seed);
            var network = ModelKinds.Create(options.Model);
            var model = new Model(session, network, new CrossEntropyLoss(), optimizer: null, options.Mode,
                new ModelOptions { InputTransform = Datapipe.OnDevice });
            TrainingCheckpoint.Load(weights, session, network, optimizer: null);
            // Graph mode takes the images as bytes and normalises them in the step; eager mode takes normalised floats.
            var loader = Datapipe.CreateLoader(test, options.BatchSize, shuffleSeed: null, bytes: options.Mode == ExecutionMode.Graph);
            return new EvalJob(session, model, test, loader);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}

/// <summary>What eval and predict run on: the session, the checkpoint's model, the test set and its batches.</summary>
internal sealed record EvalJob(Session Session, Model Model, MnistDataset TestData, PrefetchingBatchLoader TestLoader) : IDisposable
{
    public void Dispose()
    {
        Model.Dispose();
        Session.Dispose();
    }
}
