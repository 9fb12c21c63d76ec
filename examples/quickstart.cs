// MindSpore's MNIST quick-start (https://www.mindspore.cn/tutorials/en/master/beginner/quick_start.html),
// line by line, as a program a .NET user writes against the trainer libraries.
//
//   dotnet run examples/quickstart.cs                      graph mode, 3 epochs, the built-in digits
//   dotnet run examples/quickstart.cs -- --mode eager --epochs 1 --device cpu --data DIR
//
// With the same seed, data, device and mode its loss and Test lines equal `trainer train`'s.
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

var options = ExampleOptions.Parse(args);

// set_context(mode=GRAPH_MODE) or PYNATIVE_MODE: the one line that chooses how the steps run.
var mode = options.Mode == "graph" ? ExecutionMode.Graph : ExecutionMode.Eager;

// ---- Data: MnistDataset, then the datapipe --------------------------------------------------
Dataset Datapipe(string usage, int batchSize, ulong? shuffleSeed)
{
    ITransform[] imageTransforms = [new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()];
    ITransform[] labelTransform = [new TypeCast(DType.Int32)];
    Dataset dataset = new MnistDataset(options.Data, usage);
    dataset = dataset.Map(imageTransforms, "image");
    dataset = dataset.Map(labelTransform, "label");
    if (shuffleSeed is { } seed) dataset = dataset.Shuffle(seed); // MindSpore's MnistDataset shuffles the training set
    return dataset.Batch(batchSize);
}

var trainDataset = Datapipe("train", 64, shuffleSeed: options.Seed);
var testDataset = Datapipe("test", 64, shuffleSeed: null);

// ---- Network --------------------------------------------------------------------------------
GlobalSeed.Set(options.Seed);
var model = new Network();
Console.WriteLine(model);

using var session = Session.Open(options.Device);
session.Place(model);

// ---- Training: loss, optimizer, forward_fn, value_and_grad, train_step -----------------------
var lossFn = new CrossEntropyLoss();
var optimizer = new SGD(model.TrainableParams(), learningRate: 1e-2f);

(Tensor, Tensor) ForwardFn(Tensor data, Tensor label)
{
    var logits = model.Call(data);
    var loss = lossFn.Call(logits, label);
    return (loss, logits);
}

var gradFn = Autograd.ValueAndGrad(ForwardFn, null, optimizer.Parameters, hasAux: true);

Tensor[] TrainStep(Tensor data, Tensor label)
{
    var ((loss, _), grads) = gradFn(data, label);
    return [Ops.Depend(loss, optimizer.Step(grads))];
}

Tensor[] EvalStep(Tensor data, Tensor label)
{
    var pred = model.Call(data);
    return [lossFn.Call(pred, label), Ops.CountCorrect(pred, label)];
}

// MindSpore's @jit: graph mode compiles each step once per batch shape, eager mode runs it op by op. Either way
// a step's results are valid until its next call, and the step frees the memory of everything else it made.
using var trainStep = StepCompiler.Compile(session, "train_step", TrainStep, mode);
using var evalStep = StepCompiler.Compile(session, "eval_step", EvalStep, mode);

void TrainLoop(int epoch)
{
    int size = trainDataset.GetDatasetSize();
    model.SetTrain();
    int batch = 0;
    foreach (var row in trainDataset.CreateTupleIterator(epoch))
    {
        var loss = trainStep.Call(row)[0];
        if (batch % 100 == 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss: {loss.Item(),7:F6}  [{batch,3}/{size,3}]"));
        batch++;
    }
}

void TestLoop()
{
    int numBatches = testDataset.GetDatasetSize();
    model.SetTrain(false);
    double total = 0, testLoss = 0, correct = 0;
    foreach (var row in testDataset.CreateTupleIterator(0))
    {
        var outputs = evalStep.Call(row);
        total += row[1].Shape[0];
        testLoss += outputs[0].Item();
        correct += outputs[1].ToInt32Array()[0];
    }
    testLoss /= numBatches;
    correct /= total;
    Console.WriteLine("Test: ");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $" Accuracy: {100 * correct:F1}%, Avg loss: {testLoss,8:F6} "));
    Console.WriteLine();
}

for (int t = 0; t < options.Epochs; t++)
{
    Console.WriteLine($"Epoch {t + 1}\n-------------------------------");
    TrainLoop(t);
    TestLoop();
}
Console.WriteLine("Done!");

/// <summary>The tutorial's model: Flatten, then a SequentialCell of Dense and ReLU.</summary>
sealed class Network : Cell
{
    private readonly Flatten flatten;
    private readonly SequentialCell denseReluSequential;

    public Network()
    {
        flatten = Register("flatten", new Flatten());
        denseReluSequential = Register("dense_relu_sequential", new SequentialCell(
            new Dense(28 * 28, 512), new ReLU(),
            new Dense(512, 512), new ReLU(),
            new Dense(512, 10)));
    }

    public override Tensor Construct(Tensor x)
    {
        x = flatten.Call(x);
        return denseReluSequential.Call(x);
    }
}

/// <summary>The few settings the example takes: --mode graph|eager, --epochs N, --device NAME, --data DIR, --seed N.</summary>
sealed record ExampleOptions(string Mode, int Epochs, DeviceRequest Device, string? Data, ulong Seed)
{
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions("graph", 3, DeviceRequest.Auto, null, 0);
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string value = i + 1 < args.Length ? args[++i] : Fail<string>($"{flag} needs a value");
            o = flag switch
            {
                "--mode" when value is "graph" or "eager" => o with { Mode = value },
                "--epochs" when int.TryParse(value, CultureInfo.InvariantCulture, out int e) && e > 0 => o with { Epochs = e },
                "--device" when DeviceRequest.TryParse(value, out var d) => o with { Device = d },
                "--data" => o with { Data = value },
                "--seed" when ulong.TryParse(value, CultureInfo.InvariantCulture, out ulong s) => o with { Seed = s },
                _ => Fail<ExampleOptions>($"bad option {flag} {value} (expected --mode graph|eager, --epochs N, --device NAME, --data DIR, --seed N)"),
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
