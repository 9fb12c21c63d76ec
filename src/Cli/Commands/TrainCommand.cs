using System.Diagnostics;
using System.Globalization;
using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer train`: the quick-start job with the tutorial's log.</summary>
public static class TrainCommand
{
    public static readonly OptionTable Options = new(
        CommonOptions.Device, CommonOptions.Threads,
        new("--mode", "MODE", "graph (compile the step) or eager (default graph)"),
        CommonOptions.Data,
        new("--epochs", "N", "epochs to train (default 2)"),
        CommonOptions.BatchSize,
        new("--lr", "RATE", "learning rate (default 0.01, or 0.001 with --optimizer adam)"),
        CommonOptions.Seed, CommonOptions.NoFuse, CommonOptions.Optimizer, CommonOptions.Momentum, CommonOptions.WeightDecay, CommonOptions.Model);

    public static readonly string Usage =
        "usage: trainer train [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--mode graph|eager]\n" +
        "                     [--data DIR] [--epochs 2] [--batch-size 64] [--lr 0.01] [--seed 0] [--no-fuse]\n" +
        "                     [--optimizer sgd|momentum|adam] [--momentum 0.9] [--weight-decay 0] [--model mlp|lenet]\n" +
        "  Trains the quick-start MLP, Flatten-Dense(784,512)-ReLU-Dense(512,512)-ReLU-Dense(512,10), or\n" +
        "  with --model lenet LeNet-5 (two 5x5 convolutions with 2x2 max pooling, then 400-120-84-10), and\n" +
        "  prints MindSpore's quick-start log. --optimizer sgd (the default, the tutorial's), momentum (MindSpore's\n" +
        "  nn.Momentum: a = a*m + g, p = p - lr*a, --momentum m, default 0.9) or adam (MindSpore's\n" +
        "  nn.Adam, betas 0.9 and 0.999, eps 1e-8; --lr defaults to 0.001 with it); --weight-decay w adds\n" +
        "  w*p to every gradient for momentum and adam. --data reads a directory with the four MNIST\n" +
        "  IDX files (raw or .gz); without it the built-in 10,000-digit set is used.\n" +
        "  --mode graph (the default) compiles the step; --no-fuse compiles it without fusion.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static TrainOptions Parse(IReadOnlyList<string> args)
    {
        var r = Options.Read("train", args);
        var optimizer = r.Optimizer();
        return new TrainOptions
        {
            Device = r.Device(),
            Mode = r.Mode(),
            DataDirectory = r.String("--data"),
            Epochs = r.PositiveInt("--epochs", 2),
            BatchSize = r.PositiveInt("--batch-size", 64),
            LearningRate = r.PositiveFloat("--lr", optimizer.DefaultLearningRate),
            Seed = r.Seed("--seed", 0),
            Fuse = !r.Has("--no-fuse"),
            Optimizer = optimizer,
            Model = r.Model(),
        };
    }

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var options = Parse(args);
        // Data first: a bad data directory is reported before any device is opened or announced.
        var train = new MnistDataset(options.DataDirectory, "train");
        var test = new MnistDataset(options.DataDirectory, "test");
        QuickstartJob.CheckData(train, test, MnistNetwork.DefaultClasses);
        using var session = Session.Open(options.Device);
        output.WriteLine(session.DeviceChoice);
        using var job = new QuickstartJob(session, options, train, test);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode: {(options.Mode == ExecutionMode.Graph ? "graph" : "eager")}{(options.Mode == ExecutionMode.Graph && !options.Fuse ? " (no fusion)" : "")}, " +
            $"data: {job.TrainData.Source} ({job.TrainData.Count} train, {job.TestData.Count} test), " +
            $"batch {options.BatchSize}, lr {options.LearningRate}, seed {options.Seed}, optimizer {job.Steps.Optimizer.Description}, model {ModelKinds.Name(options.Model)}"));
        if (options.Mode == ExecutionMode.Graph)
        {
            var compileClock = Stopwatch.StartNew();
            int graphs = job.CompileAhead();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compile: {graphs} graphs (train and eval steps at every batch shape) in {compileClock.Elapsed.TotalSeconds:F2} s"));
        }
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            output.WriteLine($"Epoch {epoch + 1}");
            output.WriteLine("-------------------------------");
            var clock = Stopwatch.StartNew();
            job.TrainLoop(epoch, output);
            session.Synchronize();
            double trainSeconds = clock.Elapsed.TotalSeconds;
            job.TestLoop(output);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}: {clock.Elapsed.TotalSeconds:F2} s (train {trainSeconds:F2} s, {job.TrainData.Count / trainSeconds:F0} samples/s)"));
        }
        output.WriteLine("Done!");
        return 0;
    }
}
