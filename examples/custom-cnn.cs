// A network the user invents, trained on the built-in digits: a small CNN with a residual block written with
// primitive ops (Ops.Add of the block's input and output) and an activation the library does not have,
// SquaredReLU, defined below as a custom op (its CPU forward over spans, its gradient in Ops). It is trained
// with the high-level loop (Model.Train with callbacks) under a cosine learning-rate schedule, saved, reloaded
// into a fresh network and evaluated.
//
//   dotnet run examples/custom-cnn.cs                            graph mode, 20 steps, --device cpu
//   dotnet run examples/custom-cnn.cs -- --mode eager --steps 5 --save /tmp/cnn.safetensors
//
// The model is defined apart from the loop (CustomCnn, SquaredReLU, ResidualBlock below). In graph and eager mode
// the logged losses are equal bit for bit on the native CPU backend; the reloaded network evaluates exactly as
// the trained one.
#:project ../src/Training/Training.csproj
#:property PublishAot=false
#:property Nullable=enable

using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Optim.Schedules;
using Trainer.Training.Train;

var options = CnnOptions.Parse(args);
var mode = options.Mode == "graph" ? ExecutionMode.Graph : ExecutionMode.Eager;

// ---- Data: the built-in MNIST subset, rescaled and normalised; batches of 32 to train, 250 to test ----
Dataset Datapipe(string usage, int batchSize, ulong? shuffleSeed)
{
    Dataset dataset = new MnistDataset(options.Data, usage);
    dataset = dataset.Map([new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()], "image");
    dataset = dataset.Map([new TypeCast(ElementType.Int32)], "label");
    if (shuffleSeed is { } seed) dataset = dataset.Shuffle(seed);
    return dataset.Batch(batchSize);
}

var trainDataset = Datapipe("train", 32, options.Seed);
var testDataset = Datapipe("test", 250, null);

// ---- Model, loss, optimizer, schedule -----------------------------------------------------------
GlobalSeed.Set(options.Seed);
var network = new CustomCnn();
Console.WriteLine(network);

using var session = Session.Open(options.Device);
var lossFn = new CrossEntropyLoss();
var optimizer = new SGD(network.TrainableParams(), learningRate: 0.01f);
// MindSpore's cosine_decay_lr with one step per "epoch": 0.01 down to 0 over the run's steps.
var schedule = new CosineAnnealing(maxRate: 0.01, steps: options.Steps, minRate: 0);

try
{
    // ---- Train: the high-level loop, its callbacks, then save --------------------------------------
    using (var model = new Model(session, network, lossFn, optimizer, mode))
    {
        var callbacks = new Callback[]
        {
            new LearningRateScheduler(step => schedule.Exact(step), rate => optimizer.LearningRate = (float)rate),
            new LossMonitor(Console.Out, interval: 10),
            new StepLog(optimizer),
            new StopAfter(options.Steps),
        };
        model.Train(epochs: 1, trainDataset, callbacks);
        Report("trained ", model.Eval(testDataset));
    }
    TrainingCheckpoint.Save(network, optimizer: null, new Dictionary<string, string> { ["example"] = "custom-cnn" },
        epoch: 1, step: options.Steps, CheckpointFormat.SafeTensors, options.Save);
    Console.WriteLine($"saved {options.Save}");

    // ---- Reload into a fresh network (other initial weights) and evaluate ---------------------------
    GlobalSeed.Set(options.Seed + 1);
    var reloaded = new CustomCnn();
    session.Place(reloaded);
    TrainingCheckpoint.Load(options.Save, session, reloaded);
    using (var model = new Model(session, reloaded, lossFn, optimizer: null, mode))
        Report("reloaded", model.Eval(testDataset));
}
catch (NotSupportedException e) // a custom op on a device it has no kernel for
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
return 0;

static void Report(string which, EvalResult result) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"eval {which}  accuracy {result.Accuracy:R} ({result.Correct}/{result.Total})  loss {result.Loss:R}"));

/// <summary>Logs each step's learning rate and loss exactly (round-trip), for comparing runs.</summary>
sealed class StepLog(IOptimizer optimizer) : Callback
{
    public override void OnStepEnd(RunContext context) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {context.Step + 1,3}  lr {optimizer.LearningRate:R}  loss {context.Loss:R}"));
}

/// <summary>Ends the run after a number of steps (the built-in data has 250 batches of 32 per epoch).</summary>
sealed class StopAfter(int steps) : Callback
{
    public override void OnStepEnd(RunContext context)
    {
        if (context.Step + 1 >= steps) context.RequestStop();
    }
}

/// <summary>y = max(x, 0)²: an activation defined outside the libraries as a custom op.</summary>
sealed class SquaredReLU() : CustomOp("SquaredReLU")
{
    protected override int[][] OutputShapes(IReadOnlyList<int[]> inputShapes) =>
        inputShapes.Count == 1 ? [inputShapes[0]] : throw new ArgumentException($"takes one input, got {inputShapes.Count}");

    /// <summary>The forward on the native CPU backend, over spans of the device buffers.</summary>
    protected override void Forward(CustomOpBuffers buffers)
    {
        var x = buffers.Input(0);
        var y = buffers.Output(0);
        for (int i = 0; i < x.Length; i++)
        {
            float r = x[i] > 0f ? x[i] : 0f;
            y[i] = r * r;
        }
    }

    /// <summary>dy·2·max(x, 0), written with primitive ops: it runs eagerly or in the compiled step.</summary>
    protected override Tensor?[] Backward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> dy) =>
        [Ops.Mul(dy[0], Ops.Mul(Ops.Relu(inputs[0]), 2f))];
}

/// <summary>The custom op as a cell, so it composes like ReLU.</summary>
sealed class SquaredReLUCell : Cell
{
    private static readonly SquaredReLU Op = new();

    public override Tensor Construct(Tensor x) => Op.Call(x);
}

/// <summary>x + conv(act(conv(x))): a residual block, the skip connection one primitive op.</summary>
sealed class ResidualBlock : Cell
{
    private readonly Conv2d first, second;
    private readonly SquaredReLUCell act;

    public ResidualBlock(int channels)
    {
        first = Register("conv1", new Conv2d(channels, channels, 3, padding: 1, hasBias: true));
        act = Register("act", new SquaredReLUCell());
        second = Register("conv2", new Conv2d(channels, channels, 3, padding: 1, hasBias: true));
    }

    public override Tensor Construct(Tensor x) => Ops.Add(x, second.Call(act.Call(first.Call(x))));
}

/// <summary>conv 1→8, SquaredReLU, a residual block, max pool, then a dense layer to the 10 classes.</summary>
sealed class CustomCnn : Cell
{
    private readonly Conv2d stem;
    private readonly SquaredReLUCell act;
    private readonly ResidualBlock block;
    private readonly MaxPool2d pool;
    private readonly Flatten flatten;
    private readonly Dense head;

    public CustomCnn()
    {
        stem = Register("stem", new Conv2d(1, 8, 3, padding: 1, hasBias: true));
        act = Register("act", new SquaredReLUCell());
        block = Register("block", new ResidualBlock(8));
        pool = Register("pool", new MaxPool2d(2));
        flatten = Register("flatten", new Flatten());
        head = Register("head", new Dense(8 * 14 * 14, 10));
    }

    public override Tensor Construct(Tensor x) => head.Call(flatten.Call(pool.Call(block.Call(act.Call(stem.Call(x))))));
}

/// <summary>--mode graph|eager, --steps N, --device NAME, --data DIR, --seed N, --save FILE.</summary>
sealed record CnnOptions(string Mode, int Steps, DeviceRequest Device, string? Data, ulong Seed, string Save)
{
    public static CnnOptions Parse(string[] args)
    {
        DeviceRequest.TryParse("cpu", out var cpu);
        var o = new CnnOptions("graph", 20, cpu, null, 0, "custom-cnn.safetensors");
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string value = i + 1 < args.Length ? args[++i] : Fail<string>($"{flag} needs a value");
            o = flag switch
            {
                "--mode" when value is "graph" or "eager" => o with { Mode = value },
                "--steps" when int.TryParse(value, CultureInfo.InvariantCulture, out int s) && s > 0 => o with { Steps = s },
                "--device" when DeviceRequest.TryParse(value, out var d) => o with { Device = d },
                "--data" => o with { Data = value },
                "--seed" when ulong.TryParse(value, CultureInfo.InvariantCulture, out ulong s) => o with { Seed = s },
                "--save" when value.EndsWith(".safetensors", StringComparison.Ordinal)
                    && Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(value))) => o with { Save = value },
                _ => Fail<CnnOptions>($"bad option {flag} {value} (expected --mode graph|eager, --steps N, --device NAME, --data DIR, --seed N, --save FILE.safetensors in an existing folder)"),
            };
        }
        return o;
    }

    private static T Fail<T>(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Environment.Exit(2);
        return default!;
    }
}
