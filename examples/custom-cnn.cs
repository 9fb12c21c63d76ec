// A network the user invents, trained on the built-in digits: a small CNN with a residual block written with
// primitive ops (Ops.Add of the block's input and output) and an activation the library does not have,
// SquaredReLU, defined below as a custom op (its CPU forward over spans, its gradient in Ops).
//
//   dotnet run examples/custom-cnn.cs                            graph mode, 20 steps, --device cpu
//   dotnet run examples/custom-cnn.cs -- --mode eager --steps 5
//
// The model is defined apart from the loop (Model, SquaredReLU, ResidualBlock below); the loop is a plain
// step loop. In graph and eager mode the logged losses are equal bit for bit on the native CPU backend.
#:project ../src/Training/Training.csproj
#:property PublishAot=false
#:property Nullable=enable

using System.Globalization;
using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

var options = CnnOptions.Parse(args);

// ---- Data: the built-in MNIST subset, rescaled and normalised, in batches of 32 -------------
Dataset dataset = new MnistDataset(options.Data, "train");
dataset = dataset.Map([new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()], "image");
dataset = dataset.Map([new TypeCast(DType.Int32)], "label");
dataset = dataset.Shuffle(options.Seed).Batch(32);

// ---- Model, loss, optimizer -----------------------------------------------------------------
GlobalSeed.Set(options.Seed);
var model = new CustomCnn();
Console.WriteLine(model);

using var session = Session.Open(options.Device);
session.Place(model);
var lossFn = new CrossEntropyLoss();
var optimizer = new SGD(model.TrainableParams(), learningRate: 0.01f);
var gradFn = Autograd.ValueAndGrad((data, label) => lossFn.Call(model.Call(data), label), null, optimizer.Parameters);

Tensor[] TrainStep(Tensor data, Tensor label)
{
    var (loss, grads) = gradFn(data, label);
    return [Ops.Depend(loss, optimizer.Step(grads))];
}

// ---- The loop: a step per batch, graph mode compiled once, eager op by op --------------------
try
{
    using var compiled = new GraphFunction(session, "train_step", TrainStep, ["data", "label"], ["loss"], new CompileOptions());
    int step = 0;
    foreach (var batch in dataset.CreateTupleIterator(0))
    {
        if (step == options.Steps) break;
        var loss = options.Mode == "graph"
            ? compiled.Call(batch[0], batch[1])[0]
            : TrainStep(session.ToDevice(batch[0]), session.ToDevice(batch[1]))[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step + 1,3}  loss {loss.Item():R}"));
        session.EndStep();
        step++;
    }
}
catch (NotSupportedException e) // a custom op on a device it has no kernel for
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
return 0;

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

/// <summary>--mode graph|eager, --steps N, --device NAME, --data DIR, --seed N.</summary>
sealed record CnnOptions(string Mode, int Steps, DeviceRequest Device, string? Data, ulong Seed)
{
    public static CnnOptions Parse(string[] args)
    {
        DeviceRequest.TryParse("cpu", out var cpu);
        var o = new CnnOptions("graph", 20, cpu, null, 0);
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
                _ => Fail<CnnOptions>($"bad option {flag} {value} (expected --mode graph|eager, --steps N, --device NAME, --data DIR, --seed N)"),
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
