using System.Diagnostics;
using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.Hosting;
using Trainer.Training.IO;
using Trainer.Training.Loops;
using Trainer.Training.Train;
using Trainer.Training;
using Trainer.Cli.Diagnostics;
using Trainer.Cli.IO;

namespace Trainer.Cli.Commands;

/// <summary>`trainer train`: the quick-start job with the tutorial's log, checkpoints, resume, metrics and progress.</summary>
public static class TrainCommand
{
    public static readonly OptionTable Options = new([
        CommonOptions.Device, CommonOptions.Threads,
        new("--mode", "MODE", "graph (compile the step) or eager (default graph)"),
        CommonOptions.Data, CommonOptions.LabelColumn, CommonOptions.SkipBadImages,
        new("--augment", null, "RandomCrop (padding 1/8 of the side) and RandomHorizontalFlip on training images; not for IDX data (default off)"),
        new("--epochs", "N", "epochs to train in all, counting those a resumed checkpoint has done (default 2)"),
        CommonOptions.BatchSize,
        new("--lr", "RATE", "learning rate (default 0.01, or 0.001 with --optimizer adam)"),
        .. ScheduleOptions.All,
        CommonOptions.Seed, CommonOptions.NoFuse, CommonOptions.CudaGraph, CommonOptions.Optimizer, CommonOptions.Momentum, CommonOptions.WeightDecay, CommonOptions.Model, CommonOptions.Dropout,
        new("--save", "DIR", "write DIR/epoch-N.safetensors after each epoch and DIR/last.safetensors (default none)"),
        new("--save-format", "FORMAT", "safetensors or ckpt (MindSpore's .ckpt, MindSpore's names and tensor types) for the --save files (default safetensors)"),
        new("--save-every", "STEPS", "also write DIR/step-N.safetensors every STEPS steps; needs --save (default off)"),
        new("--resume", "FILE", "continue a --save checkpoint to --epochs; its model, optimizer, lr, seed and batch size apply (default none)"),
        new("--metrics", "FILE", "append a JSON object per logged step and per epoch, for 'trainer plot' (default none)"),
        new("--progress", "STYLE", "auto (a bar on a terminal, plain lines otherwise), bar, plain or none; on stderr (default auto)"),
        new("--check-loss-every", "N", "read the loss every N steps and stop on NaN or infinity, exit 3 (default 1 on CPU devices, 100 on GPUs)"),
        new("--ranks", "N", "data-parallel processes on this machine, started with Open MPI's mpirun; each trains on 1/N of every batch (default 1)"),
        new("--rank-timeout", "SECS", "with several ranks, end the job when one has waited SECS seconds for the others in an all-reduce (default 120)"),
        .. WeightOptions.All]);

    public static readonly string Usage =
        "usage: trainer train [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--mode graph|eager]\n" +
        "                     [--data PATH] [--label-column label] [--skip-bad-images] [--augment] [--epochs 2] [--batch-size 64] [--lr 0.01] [--seed 0] [--no-fuse] [--cuda-graph on|off]\n" +
        "                     [--lr-schedule constant|step|exponential|cosine] [--lr-step-size STEPS] [--lr-gamma G] [--lr-min 0]\n" +
        "                     [--warmup-steps 0]\n" +
        "                     [--optimizer sgd|momentum|adam] [--momentum 0.9] [--weight-decay 0] [--model mlp|lenet|resnet8]\n" +
        "                     [--dropout 0]\n" +
        "                     [--save DIR] [--save-every STEPS] [--save-format safetensors|ckpt] [--resume FILE] [--metrics FILE.jsonl]\n" +
        "                     [--progress auto|bar|plain|none] [--check-loss-every N] [--ranks N] [--rank-timeout 120]\n" +
        "  Trains the quick-start MLP, Flatten-Dense(784,512)-ReLU-Dense(512,512)-ReLU-Dense(512,10), or\n" +
        "  with --model lenet LeNet-5 (two 5x5 convolutions with 2x2 max pooling, then 400-120-84-10), and\n" +
        "  prints MindSpore's quick-start log. --data also takes CIFAR-10/100 binary files, train/ and test/\n" +
        "  image folders or a CSV table (the first line says which it found), and the model is sized from it\n" +
        "  (channels, height, width, classes; recorded in checkpoints). --optimizer momentum is MindSpore's nn.Momentum\n" +
        "  (a = a*m + g, p = p - lr*a), adam its nn.Adam (betas 0.9 and 0.999, eps 1e-8).\n" +
        "  --lr-schedule changes the rate every step as MindSpore's nn.learning_rate_schedule and PyTorch's\n" +
        "  lr_scheduler do (steps counted over the whole run); the rate is a device value of the compiled step,\n" +
        "  so the step is compiled once. The metrics file records each logged step's rate.\n" +
        "  Checkpoints are safetensors files: weights under their dotted names ([out, in] float32, as\n" +
        "  PyTorch and MindSpore lay them out), optimizer state under 'optimizer.', the run in metadata;\n" +
        "  a resumed run is bit-identical to one never stopped. --save-format ckpt writes MindSpore .ckpt\n" +
        "  files instead (optimizer state under MindSpore's names, the run as string values); --resume reads\n" +
        "  either, told by content, and applies --rename to every name in it. Progress goes to stderr, so stdout stays\n" +
        "  the tutorial's log. The loss check costs a device synchronisation on a GPU, so there it runs\n" +
        "  only at the logged steps unless asked.\n" +
        "  Data parallel: --ranks N (or mpirun -np N trainer train ...) runs N processes; every one draws the\n" +
        "  same shuffled batches and trains on its share of each, gradients are averaged over all of them\n" +
        "  every step (one AllReduce of all of them in the compiled step), and rank 0 alone prints, writes\n" +
        "  metrics and saves. The losses match one process's to rounding, with --dropout too (each rank draws\n" +
        "  one process's masks for its rows); BatchNorm (resnet8) normalises each rank's rows with their own\n" +
        "  statistics, so there they do not, and the running statistics are averaged over the ranks before\n" +
        "  each evaluation and checkpoint. Needs Open MPI\n" +
        "  (apt-get install openmpi-bin libopenmpi-dev); on --device cpu the cores are divided among the ranks.\n" +
        Options.Text +
        DeviceHelp.Text;

    /// <summary>What the command line asked for beyond <see cref="TrainOptions"/>.</summary>
    public sealed record Request(TrainOptions Options, string? SaveDirectory, int SaveEvery, string? ResumePath,
        string? MetricsPath, ProgressStyle Progress, int? CheckLossEvery, WeightFile? Resume, CheckpointInfo? ResumeInfo, int Ranks = 1,
        int CollectiveTimeout = DefaultCollectiveTimeout)
    {
        /// <summary>The format --save writes (--save-format).</summary>
        public CheckpointFormat SaveFormat { get; init; }

        /// <summary>How --resume's names are mapped and checked (--rename, --rename-file, --strict).</summary>
        public WeightLoadOptions ResumeLoad { get; init; } = WeightLoadOptions.Default;
    }

    /// <summary>Seconds a rank waits in one all-reduce before it decides another rank has stopped answering.</summary>
    public const int DefaultCollectiveTimeout = 120;

    public static TrainOptions Parse(IReadOnlyList<string> args) => ParseRequest(args).Options;

    public static Request ParseRequest(IReadOnlyList<string> args)
    {
        var r = Options.Read("train", args);
        var optimizer = r.Optimizer();
        var options = new TrainOptions
        {
            Device = r.Device(),
            Mode = r.Mode(),
            DataDirectory = r.String("--data"),
            LabelColumn = r.String("--label-column") ?? Quickstart.TrainingData.DefaultLabelColumn,
            SkipBadImages = r.Has("--skip-bad-images"),
            Augment = r.Has("--augment"),
            Epochs = r.PositiveInt("--epochs", 2),
            BatchSize = r.PositiveInt("--batch-size", 64),
            LearningRate = r.PositiveFloat("--lr", optimizer.DefaultLearningRate),
            Seed = r.Seed("--seed", 0),
            Fuse = !r.Has("--no-fuse"),
            CudaGraph = CommonOptions.ReadCudaGraph(r),
            Optimizer = optimizer,
            Model = r.Model(),
        };
        options = options with { Dropout = r.Dropout(options.Model) };
        options = options with { Schedule = ScheduleOptions.Read(r, options.LearningRate) };
        string? save = r.String("--save");
        CheckpointFormats.TryParse(r.Choice("--save-format", "safetensors", CheckpointFormats.Names), out var saveFormat);
        if (r.Has("--save-format") && save is null) throw r.Error("--save-format needs --save DIR to say where");
        int saveEvery = r.PositiveInt("--save-every", 0);
        if (r.Has("--save-every") && save is null) throw r.Error("--save-every needs --save DIR to say where");
        var progress = r.Choice("--progress", "auto", "auto", "bar", "plain", "none") switch
        {
            "bar" => ProgressStyle.Bar,
            "plain" => ProgressStyle.Plain,
            "none" => ProgressStyle.None,
            _ => ProgressStyle.Auto,
        };
        int? checkEvery = r.Has("--check-loss-every") ? r.PositiveInt("--check-loss-every", 1) : null;
        string? metrics = r.String("--metrics");
        int ranks = r.PositiveInt("--ranks", 1);
        int collectiveTimeout = r.PositiveInt("--rank-timeout", DefaultCollectiveTimeout);
        if (r.Has("--ranks") && MpiJob.IsRank && ranks != MpiJob.WorldSize)
            throw r.Error($"--ranks {ranks}: this process is already one of the {MpiJob.WorldSize} ranks mpirun started; leave --ranks out under mpirun");
        int group = MpiJob.IsRank ? MpiJob.WorldSize : ranks;
        if (group > options.BatchSize)
            throw r.Error($"{(MpiJob.IsRank ? $"{group} ranks" : $"--ranks {ranks}")} is more than the batch of {options.BatchSize}: every rank needs a row of each batch (raise --batch-size)");

        // Output paths are checked before any work, so a typo does not cost a training run. Only rank 0 writes them:
        // the other ranks of a job neither check nor create them (on another machine the directory need not exist).
        if (MpiJob.Rank == 0)
        {
            if (save is not null) TrainPreflight.CheckSaveDirectory(save, saveFormat);
            if (metrics is not null) OutputPath.Check("--metrics", metrics);
        }

        string? resume = r.String("--resume");
        if (resume is null)
        {
            if (WeightOptions.All.FirstOrDefault(o => r.Has(o.Flag)) is { } orphan) throw r.Error($"{orphan.Flag} applies to --resume FILE");
            return new Request(options, save, saveEvery, null, metrics, progress, checkEvery, null, null, ranks, collectiveTimeout) { SaveFormat = saveFormat };
        }
        var load = WeightOptions.Read(r);
        var file = WeightFiles.Read(resume);
        var info = CheckpointInfo.FromMetadata(resume, file.Metadata);
        if (!info.FromTrainer)
            throw new CheckpointException(resume, $"has no trainer run metadata (weights only), so there is nothing to resume; use it with 'trainer eval' or 'trainer predict'");
        options = FromCheckpoint(r, options, info, resume);
        if (info.Epoch >= options.Epochs)
            throw r.Error($"--epochs {options.Epochs}: '{resume}' has already trained {info.Epoch} epoch(s); ask for more to continue");
        return new Request(options, save, saveEvery, resume, metrics, progress, checkEvery, file, info, ranks, collectiveTimeout)
        {
            SaveFormat = saveFormat, ResumeLoad = load,
        };
    }

    /// <summary>The checkpoint's model, optimizer, learning rate, seed and batch size, refusing flags that contradict them.</summary>
    private static TrainOptions FromCheckpoint(ArgumentReader r, TrainOptions given, CheckpointInfo info, string path)
    {
        void Same<T>(string flag, T givenValue, T saved, Func<T, string> show)
        {
            if (r.Has(flag) && !EqualityComparer<T>.Default.Equals(givenValue, saved))
                throw r.Error($"{flag} {show(givenValue)} contradicts '{path}', which was trained with {show(saved)}; leave it out to resume");
        }
        string F(float f) => f.ToString(CultureInfo.InvariantCulture);
        Same("--model", given.Model, info.Model, ModelKinds.Name);
        Same("--dropout", given.Dropout, info.Dropout, F);
        Same("--optimizer", given.Optimizer.Kind, info.Optimizer.Kind, OptimizerKinds.Name);
        Same("--momentum", given.Optimizer.Momentum, info.Optimizer.Momentum, F);
        Same("--weight-decay", given.Optimizer.WeightDecay, info.Optimizer.WeightDecay, F);
        Same("--lr", given.LearningRate, info.LearningRate, F);
        Same("--seed", given.Seed, info.Seed, s => s.ToString(CultureInfo.InvariantCulture));
        Same("--batch-size", given.BatchSize, info.BatchSize, b => b.ToString(CultureInfo.InvariantCulture));
        return given with
        {
            Model = info.Model, Dropout = info.Dropout, Optimizer = info.Optimizer, LearningRate = info.LearningRate, Seed = info.Seed, BatchSize = info.BatchSize,
        };
    }

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var request = ParseRequest(args);
        var options = request.Options;
        // Data first: a bad data directory is reported before any device is opened or announced.
        using var data = TrainingData.Open(options.DataDirectory, options.LabelColumn, options.SkipBadImages);
        CheckDataFits(options, data);
        WeightMatch? resumed = null;
        if (request.Resume is { } resumeFile)
        {
            if (request.ResumeInfo is { } saved) CheckpointJob.CheckSameData(request.ResumePath!, saved, data);
            resumed = QuickstartCheckpoint.Match(resumeFile, new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, data.Input, options.Dropout),
                withOptimizer: true, request.ResumeLoad);
            if (!MpiJob.IsRank || MpiJob.Rank == 0) WeightOptions.Report(resumed, error);
        }
        TrainPreflight.CheckResumePosition(request, data.TrainCount);
        var protectedFiles = MpiJob.Rank == 0 ? TrainPreflight.CheckInputs(request, data.Files) : null;
        // Everything the ranks would each reject has been checked: start them, or (as one of them) join the job.
        if (request.Ranks > 1 && !MpiJob.IsRank)
        {
            TrainPreflight.ClaimSaveDirectory(request, error)?.Dispose(); // taken now only to fail early; rank 0 takes it for the run
            return RankLauncher.Run(request.Ranks, WithoutRanks(args), output, error);
        }
        using var saveLock = TrainPreflight.ClaimSaveDirectory(request, error);
        using var group = MpiJob.Join();
        if (group.Size == 1) return Train(request, resumed, data, group, output, error, protectedFiles);
        group.WatchCollectives(TimeSpan.FromSeconds(request.CollectiveTimeout), (what, waited) =>
        {
            // The main thread is blocked inside MPI: say why here, and exit; mpirun then stops the other ranks.
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: rank {group.Rank} of {group.Size}: {what} waited {waited.TotalSeconds:F0} s for the other ranks, so one of them " +
                $"stopped answering or lost its connection (--rank-timeout {request.CollectiveTimeout}); ending the job"));
            error.Flush();
            Environment.Exit(1);
        });
        try
        {
            // Rank 0 alone speaks; the others keep only their own errors.
            return group.IsLeader ? Train(request, resumed, data, group, output, error, protectedFiles) : Train(request, resumed, data, group, TextWriter.Null, TextWriter.Null, null);
        }
        catch (TrainingDivergedException e) when (!group.IsLeader)
        {
            return UserErrors.ExitCode(e) ?? 3; // every rank saw the same combined loss; rank 0 says so
        }
        catch (Exception e) when (e is not TrainingDivergedException)
        {
            // This rank cannot go on, and the others would wait for it in the next collective: say why, end them all.
            var (code, message) = Program.Failure(e);
            error.WriteLine($"error: rank {group.Rank} of {group.Size}: {message}");
            error.Flush();
            group.Abort(code);
            return code;
        }
    }

    /// <summary>The command line without --ranks, for the ranks mpirun starts.</summary>
    private static List<string> WithoutRanks(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--ranks") { i++; continue; }
            if (args[i].StartsWith("--ranks=", StringComparison.Ordinal)) continue;
            rest.Add(args[i]);
        }
        return rest;
    }

    /// <summary>Refuses a model that cannot take the data (LeNet on a table, or on images under 12x12) and --augment on IDX data, before any device opens.</summary>
    internal static void CheckDataFits(TrainOptions options, TrainingData data)
    {
        if (ModelKinds.Unfit(options.Model, data.Input) is { } why) throw new DatasetException($"{data.Source}: {why}");
        if (options.Augment && (data.IdxTrain is not null || data.Input.IsTabular))
            throw new UsageException($"--augment applies to images other than MNIST IDX data (CIFAR, image folders); {data.Source} holds {(data.Input.IsTabular ? "a table" : "IDX files")}");
    }

    private static int Train(Request request, WeightMatch? resumed, TrainingData data, Training.Distributed.DataParallelGroup group, TextWriter output, TextWriter error,
        InputFiles? protectedFiles)
    {
        var options = request.Options;
        var device = group.Size > 1 ? options.Device.ForLocalRank(MpiJob.LocalRank, MpiJob.LocalSize) : options.Device;
        if (data.Found is { } found) output.WriteLine(found);
        using var session = Session.Open(device);
        session.UseCudaGraphs(options.CudaGraph, error);
        output.WriteLine(session.DeviceChoice);
        using var job = new QuickstartJob(session, options, data, group);
        if (group.Size > 1)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ranks: {group.Size} (Open MPI), each trains on its share of every batch of {options.BatchSize} " +
                $"({job.TrainLoader.Shard(0).Rows} rows on rank 0); gradients are averaged over all ranks every step"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode: {(options.Mode == ExecutionMode.Graph ? "graph" : "eager")}{(options.Mode == ExecutionMode.Graph && !options.Fuse ? " (no fusion)" : "")}, " +
            $"data: {data.Source} ({data.TrainCount} train, {data.TestCount} test), " +
            $"batch {options.BatchSize}, lr {options.LearningRate}, seed {options.Seed}, optimizer {job.Steps.Optimizer.Description}, model {ModelKinds.Name(options.Model)}{(options.Dropout > 0f ? $", dropout {options.Dropout}" : "")}"));
        if (job.Schedule is { } schedule) output.WriteLine("lr schedule: " + schedule.Description);
        int startEpoch = 0, startBatch = 0;
        long step = 0;
        if (resumed is not null && request.ResumeInfo is { } info)
        {
            QuickstartCheckpoint.Load(resumed, session, job.Steps, withOptimizer: true);
            (startEpoch, startBatch, step) = (info.Epoch, info.Batch, info.Step);
            output.WriteLine($"resumed: {request.ResumePath} (epoch {info.Epoch} done, {info.Batch} batches into the next, step {info.Step})");
        }
        if (options.Mode == ExecutionMode.Graph)
        {
            var compileClock = Stopwatch.StartNew();
            int graphs = job.CompileAhead();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compile: {graphs} graphs (train and eval steps at every batch shape) in {compileClock.Elapsed.TotalSeconds:F2} s"));
        }
        // The loss is read at the logged steps and every --check-loss-every steps: each read waits for the device.
        int checkEvery = request.CheckLossEvery ?? (session.OnHost ? 1 : LossMonitor.DefaultInterval);

        int batches = job.TrainLoader.BatchCount;
        var progress = TrainingProgress.Create(error, request.Progress, batches, options.Epochs);
        using var metrics = request.MetricsPath is { } m && group.IsLeader ? new Training.Metrics.MetricsWriter(m) : null;
        if (metrics is not null) protectedFiles?.Add("--metrics", metrics.Path); // now it exists, even if it did not before
        // Only rank 0 saves: every rank holds the same weights.
        var run = new TrainRun(job, request, step, writesCheckpoints: group.IsLeader, warnings: error, protectedFiles: protectedFiles);
        // In this order: the log reads the loss (and stops on a non-finite one) before anything uses it; the epoch's
        // time is printed before its checkpoint is written, and the checkpoint before its metrics record.
        var callbacks = new List<Callback> { new LossMonitor(output), new LossCheck(checkEvery), progress, new TimeMonitor(output), run };
        // The learning rate as the user wrote it (0.01, not float 0.01's 0.009999999776482582).
        double learningRate = double.Parse(options.LearningRate.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var metricsMonitor = metrics is null ? null : new MetricsMonitor(metrics, learningRate, warnings: error, what: "--metrics");
        if (metricsMonitor is not null) callbacks.Add(metricsMonitor);
        // --lr-schedule: the rate of each step (a device value of the compiled step, so no recompilation), set before it
        // runs; the metrics records show it as the schedule computes it, before its one rounding to float32.
        if (job.Schedule is { } lrSchedule)
            callbacks.Insert(0, new LearningRateScheduler(lrSchedule.Exact, rate =>
            {
                job.Steps.Optimizer.LearningRate = (float)rate;
                if (metricsMonitor is not null) metricsMonitor.LearningRate = rate;
            }));
        try
        {
            job.Runner.Train(options.Epochs, job.TrainLoader, callbacks, new TrainRunOptions
            {
                Validation = job.TestLoader, InitialEpoch = startEpoch, InitialBatch = startBatch, InitialStep = step,
            });
        }
        catch (TrainingDivergedException e) when (run.InSteps)
        {
            progress.EndEpoch();
            throw e.With(run.LastGood is { } last ? $"the last good checkpoint is '{last}'"
                : request.SaveDirectory is null ? "no checkpoint known good was saved (--save DIR keeps one per epoch)"
                : "no checkpoint saved was known good (none was followed by a finite loss within bounds)");
        }
        return 0;
    }
}
