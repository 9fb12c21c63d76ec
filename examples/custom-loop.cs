// An explicit training loop a user writes, on the built-in digits: a network with two inputs (the image and its
// ink profile, the mean brightness of each of its 28 rows and 28 columns, computed on the host), its gradients
// from Autograd.ValueAndGrad's N-input form, clipped by their global norm in ops (PyTorch's clip_grad_norm_,
// MindSpore's ops.clip_by_global_norm) before the optimizer's step. The step is compiled (graph) or run op by op
// (eager) by one argument to StepCompiler.Compile; either way it frees its own eager memory.
//
//   dotnet run examples/custom-loop.cs                            graph mode, 20 steps, --device cpu
//   dotnet run examples/custom-loop.cs -- --mode eager --steps 5 --max-norm 0.5 --log-every 1
//
// Every --log-every steps it prints the loss, the gradients' global norm before clipping and after it. In graph
// and eager mode the printed numbers are equal bit for bit on the native CPU backend.
#:project ../src/Training/Training.csproj
#:property PublishAot=false
#:property Nullable=enable

using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

var options = LoopOptions.Parse(args);

// ---- Data: the built-in MNIST subset, rescaled and normalised, in batches of 32 -------------
Dataset dataset = new MnistDataset(options.Data, "train");
dataset = dataset.Map([new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()], "image");
dataset = dataset.Map([new TypeCast(ElementType.Int32)], "label");
dataset = dataset.Shuffle(options.Seed).Batch(32);

// ---- Model, loss, optimizer, the clipping threshold ------------------------------------------
GlobalSeed.Set(options.Seed);
var model = new TwoInputNet();
Console.WriteLine(model);

using var session = Session.Open(options.Device);
session.Place(model);
var lossFn = new CrossEntropyLoss();
var optimizer = new SGD(model.TrainableParams(), learningRate: 0.05f);
// The threshold lives on the device, beside the weights, so the compiled step reads it like any parameter.
var maxNorm = new Parameter("max_norm", new Shape(1), [options.MaxNorm], requiresGrad: false);
session.Place([maxNorm]);

// The loss of the inputs (image, profile, label): ValueAndGrad's N-input form, gradients for the weights only.
var gradFn = Autograd.ValueAndGrad(
    inputs => [lossFn.Call(model.Call(inputs[0], inputs[1])[0], inputs[2])], gradPosition: null, optimizer.Parameters);

// √(Σ g²) over every element of every gradient: one scalar.
Tensor GlobalNorm(IReadOnlyList<Tensor> grads)
{
    Tensor sumOfSquares = Ops.ReduceSum(Ops.Square(grads[0]));
    for (int i = 1; i < grads.Count; i++) sumOfSquares = Ops.Add(sumOfSquares, Ops.ReduceSum(Ops.Square(grads[i])));
    return Ops.Sqrt(sumOfSquares);
}

Tensor[] TrainStep(Tensor[] inputs)
{
    var (values, grads) = gradFn(inputs);
    var norm = GlobalNorm(grads);
    // scale = min(1, max_norm / (norm + eps)), written as max_norm / max(norm + eps, max_norm): equal bit for bit,
    // since x / x is exactly 1, and it needs no constant tensor.
    var scale = Ops.Div(maxNorm, Ops.Maximum(Ops.Add(norm, 1e-6f), maxNorm));
    var clipped = grads.Select(g => Ops.Mul(g, scale)).ToArray();
    return [Ops.Depend(values[0], optimizer.Step(clipped)), norm, GlobalNorm(clipped)];
}

// The mode is one argument: MindSpore's set_context(mode=...) and @jit in one call.
var mode = options.Mode == "graph" ? ExecutionMode.Graph : ExecutionMode.Eager;
using var step = StepCompiler.Compile(session, "train_step", TrainStep, ["image", "profile", "label"], mode);

// ---- The loop: a step per batch, until --steps ---------------------------------------------
model.SetTrain();
int done = 0;
foreach (var batch in dataset.CreateTupleIterator(0))
{
    if (done == options.Steps) break;
    var outputs = step.Call(batch[0], InkProfile.Of(batch[0]), batch[1]); // valid until the next call
    done++;
    if (done % options.LogEvery == 0 || done == options.Steps)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {done,3}  loss {outputs[0].Item():R}  grad-norm {outputs[1].Item():R}  clipped {outputs[2].Item():R}"));
}
// Each step freed what it made: eager memory was taken from the device in the first step only, however many ran.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{done} steps, max norm {options.MaxNorm:R}, eager memory taken from the device {session.EagerBytesReserved} bytes"));
return 0;

/// <summary>Two inputs, two branches: the image through a dense layer, its ink profile through another, summed, then the classifier.</summary>
sealed class TwoInputNet : Cell
{
    private readonly Flatten flatten;
    private readonly Dense image, profile, head;
    private readonly ReLU relu;

    public TwoInputNet()
    {
        flatten = Register("flatten", new Flatten());
        image = Register("image", new Dense(28 * 28, 64));
        profile = Register("profile", new Dense(InkProfile.Length, 64));
        relu = Register("relu", new ReLU());
        head = Register("head", new Dense(64, 10));
    }

    /// <summary>inputs: the images [N, 1, 28, 28] and their profiles [N, 56]; returns the logits [N, 10].</summary>
    public override Tensor[] Construct(params Tensor[] inputs)
    {
        if (inputs.Length != 2) throw new ArgumentException($"TwoInputNet takes (image, profile), {inputs.Length} inputs were given");
        var hidden = Ops.Add(image.Call(flatten.Call(inputs[0])), profile.Call(inputs[1]));
        return [head.Call(relu.Call(hidden))];
    }
}

/// <summary>The second input, computed on the host: each image's mean over its 28 rows and over its 28 columns.</summary>
static class InkProfile
{
    public const int Length = 28 + 28;

    public static HostTensor Of(HostTensor images)
    {
        int n = images.Shape[0];
        const int side = 28, pixels = side * side;
        if (images.ElementCount != n * pixels) throw new ArgumentException($"expected images [N, 1, 28, 28], got {images}");
        float[] x = images.AsFloat();
        var profile = new float[n * Length];
        for (int b = 0; b < n; b++)
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    float v = x[b * pixels + r * side + c] / side;
                    profile[b * Length + r] += v;        // row r's mean
                    profile[b * Length + side + c] += v; // column c's mean
                }
        return new HostTensor([n, Length], profile);
    }
}

/// <summary>--mode graph|eager, --steps N, --max-norm X, --log-every N, --device NAME, --data DIR, --seed N.</summary>
sealed record LoopOptions(string Mode, int Steps, float MaxNorm, int LogEvery, DeviceRequest Device, string? Data, ulong Seed)
{
    public static LoopOptions Parse(string[] args)
    {
        DeviceRequest.TryParse("cpu", out var cpu);
        var o = new LoopOptions("graph", 20, 1f, 5, cpu, null, 0);
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string value = i + 1 < args.Length ? args[++i] : Fail<string>($"{flag} needs a value");
            o = flag switch
            {
                "--mode" when value is "graph" or "eager" => o with { Mode = value },
                "--steps" when int.TryParse(value, CultureInfo.InvariantCulture, out int s) && s > 0 => o with { Steps = s },
                "--max-norm" when float.TryParse(value, CultureInfo.InvariantCulture, out float m) && float.IsFinite(m) && m > 0 => o with { MaxNorm = m },
                "--log-every" when int.TryParse(value, CultureInfo.InvariantCulture, out int l) && l > 0 => o with { LogEvery = l },
                "--device" when DeviceRequest.TryParse(value, out var d) => o with { Device = d },
                "--data" => o with { Data = value },
                "--seed" when ulong.TryParse(value, CultureInfo.InvariantCulture, out ulong s) => o with { Seed = s },
                _ => Fail<LoopOptions>($"bad option {flag} {value} (expected --mode graph|eager, --steps N, --max-norm X > 0, --log-every N, --device NAME, --data DIR, --seed N)"),
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
