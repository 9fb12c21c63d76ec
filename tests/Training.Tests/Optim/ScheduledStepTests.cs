using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Optim.Schedules;
using Trainer.Training.Tests.Execution;

namespace Trainer.Training.Tests.Optim;

/// <summary>
/// A learning-rate schedule over a compiled training step: the rate changes at every step while the
/// step is traced and compiled once, each step still goes up in one upload with no wait, the
/// parameters follow a float64 SGD/momentum run with the same per-step rates, and eager and compiled
/// (fused and not) training agree bit for bit.
/// </summary>
public sealed class ScheduledStepTests
{
    private const int Steps = 9, Batch = OptimizerTrajectory.Batch;
    private static readonly int[] Sizes = OptimizerTrajectory.Sizes;

    /// <summary>Warm-up over 3 steps from 0, then cosine from 0.5 to 0.05 over 5: a different rate at every one of the 9 steps.</summary>
    private static LearningRateSchedule Schedule() => new LinearWarmup(3, new CosineAnnealing(0.5, 5, 0.05));

    private sealed record Run(float[][] Parameters, float[] Rates, int Compilations, List<(long Uploads, long Syncs)> Transfers);

    private static Run Train(DeviceKind device, string optimizerName, bool graphMode, bool fuse)
    {
        using var session = Session.Open(device);
        GlobalSeed.Set(5);
        var model = new SequentialCell(new Dense(Sizes[0], Sizes[1]), new ReLU(), new Dense(Sizes[1], Sizes[2]));
        var (x, labels) = Data();
        session.Place(model);
        var parameters = model.TrainableParams().ToArray();
        IOptimizer optimizer = optimizerName == "momentum" ? new Momentum(parameters, 1f, 0.9f) : new SGD(parameters, 1f);
        session.Place(optimizer);
        var gradFn = Autograd.ValueAndGrad((xs, ys) =>
        {
            var logits = model.Call(xs);
            return (Ops.SoftmaxCrossEntropy(logits, ys), logits);
        }, null, parameters, hasAux: true);
        Tensor[] Step(Tensor xs, Tensor ys)
        {
            var ((loss, _), grads) = gradFn(xs, ys);
            return [Ops.Depend(loss, optimizer.Step(grads))];
        }
        var schedule = Schedule();
        var rates = new float[Steps];
        var transfers = new List<(long, long)>();
        var hostX = new HostTensor([Batch, Sizes[0]], x);
        var hostY = new HostTensor([Batch], labels);
        using var compiled = graphMode ? new GraphFunction(session, "scheduled_step", Step, ["x", "y"], ["loss"], new CompileOptions(Fuse: fuse)) : null;
        compiled?.Compile(new Graph.Ir.TensorType(hostX.Shape, hostX.DType), new Graph.Ir.TensorType(hostY.Shape, hostY.DType));
        var backend = session.Backend;
        for (int t = 0; t < Steps; t++)
        {
            schedule.Apply(optimizer, t); // the loop's one call per step
            rates[t] = optimizer.LearningRate;
            long uploads = backend.UploadCount, syncs = backend.SyncCount;
            if (compiled is not null) compiled.Call(hostX, hostY);
            else Step(session.ToDevice(hostX), session.ToDevice(hostY));
            transfers.Add((backend.UploadCount - uploads, backend.SyncCount - syncs));
            session.EndStep();
        }
        return new Run(parameters.Select(p => p.ToFloatArray()).ToArray(), rates, compiled?.Compilations ?? 0, transfers);
    }

    private static (float[] X, int[] Labels) Data()
    {
        var rng = new SeededRandom(105);
        var x = Enumerable.Range(0, Batch * Sizes[0]).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var labels = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(Sizes[^1])).ToArray();
        return (x, labels);
    }

    public static TheoryData<DeviceKind, string> Cases()
    {
        var data = new TheoryData<DeviceKind, string>();
        foreach (var device in TestDevices.All)
            foreach (var optimizer in new[] { "sgd", "momentum" })
                data.Add(device, optimizer);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_rate_changes_every_step_and_the_step_compiles_once(DeviceKind device, string optimizer)
    {
        var graph = Train(device, optimizer, graphMode: true, fuse: true);

        Assert.Equal(1, graph.Compilations);
        Assert.Equal(Steps, graph.Rates.Distinct().Count());
        var schedule = Schedule();
        Assert.Equal(Enumerable.Range(0, Steps).Select(t => (float)schedule.Exact(t)), graph.Rates);
        // The changed rate goes up inside the batch's one upload: no upload or wait of its own.
        Assert.All(graph.Transfers, t => Assert.Equal((1L, 0L), t));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_trajectory_follows_float64_with_the_same_rates_and_eager_equals_compiled_bit_for_bit(DeviceKind device, string optimizer)
    {
        var fused = Train(device, optimizer, graphMode: true, fuse: true);
        var unfused = Train(device, optimizer, graphMode: true, fuse: false);
        var eager = Train(device, optimizer, graphMode: false, fuse: false);
        for (int p = 0; p < fused.Parameters.Length; p++)
        {
            Assert.Equal(eager.Parameters[p], fused.Parameters[p]);
            Assert.Equal(eager.Parameters[p], unfused.Parameters[p]);
        }

        // float64: the same model from the same initial values, gradients by central differences, the same per-step rates.
        GlobalSeed.Set(5);
        var initial = new SequentialCell(new Dense(Sizes[0], Sizes[1]), new ReLU(), new Dense(Sizes[1], Sizes[2])).TrainableParams()
            .Select(p => p.InitialValue.Select(v => (double)v).ToArray()).ToArray();
        var (x, labels) = Data();
        var xd = x.Select(v => (double)v).ToArray();
        var accumulations = initial.Select(p => new double[p.Length]).ToArray();
        double momentum = optimizer == "momentum" ? 0.9f : 0;
        for (int t = 0; t < Steps; t++)
        {
            var grads = Float64Mlp.NumericGradient([initial[0], initial[2]], [initial[1], initial[3]], xd, Batch, Sizes, labels);
            for (int p = 0; p < initial.Length; p++)
                for (int k = 0; k < initial[p].Length; k++)
                {
                    accumulations[p][k] = accumulations[p][k] * momentum + grads[p][k];
                    initial[p][k] -= eager.Rates[t] * accumulations[p][k];
                }
        }
        for (int p = 0; p < initial.Length; p++)
            OptimizerTrajectory.AssertClose(initial[p], fused.Parameters[p], $"parameter {p}");
    }

    [Fact]
    public void A_rate_below_zero_or_not_finite_is_refused_and_zero_is_allowed()
    {
        var p = new Parameter("w", Graph.Ir.TensorType.Float(2), [1f, 2f]);
        var sgd = new SGD([p], 0.1f);
        sgd.LearningRate = 0f;
        Assert.Equal(0f, sgd.Hyperparameters[0]);
        Assert.Contains("got -1", Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1f).Message);
        Assert.Contains("got NaN", Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.NaN).Message);
        Assert.Contains("got Infinity", Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.PositiveInfinity).Message);
        Assert.Equal(0f, sgd.LearningRate);
        var momentum = new Momentum([p], 0.1f, 0.9f);
        momentum.Coefficient = 0.5f;
        momentum.WeightDecay = 0.01f;
        Assert.Equal("momentum.hyperparameters(lr,momentum,weight_decay) = [0.1, 0.5, 0.01]", momentum.Hyperparameters.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => momentum.Coefficient = 1f);
    }
}
