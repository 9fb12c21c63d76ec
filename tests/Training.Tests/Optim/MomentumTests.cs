using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Tests.Execution;

namespace Trainer.Training.Tests.Optim;

/// <summary>
/// The momentum optimizer against an independent float64 trajectory (finite-difference gradients
/// of the float64 model, a ← a·m + g, p ← p − lr·a), eagerly and compiled, on every test device.
/// </summary>
public sealed class MomentumTests
{
    private const float LearningRate = 0.1f, Coefficient = 0.9f;
    private const int Steps = 3;

    public static TheoryData<DeviceKind, ExecutionMode, bool> Cases()
    {
        var data = new TheoryData<DeviceKind, ExecutionMode, bool>();
        foreach (var device in TestDevices.All)
        {
            data.Add(device, ExecutionMode.Eager, false);
            data.Add(device, ExecutionMode.Graph, false);
            data.Add(device, ExecutionMode.Graph, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Three_steps_follow_the_float64_trajectory(DeviceKind device, ExecutionMode mode, bool fuse)
    {
        int[] sizes = [7, 5, 3];
        const int batch = 6;
        GlobalSeed.Set(5);
        var first = new Dense(sizes[0], sizes[1]);
        var second = new Dense(sizes[1], sizes[2]);
        var model = new SequentialCell(first, new ReLU(), second);
        var rng = new SeededRandom(105);
        var x = Enumerable.Range(0, batch * sizes[0]).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(sizes[^1])).ToArray();

        using var session = Session.Open(device);
        session.Place(model);
        var parameters = model.TrainableParams();
        var optimizer = new Momentum(parameters, LearningRate, Coefficient);
        session.Place(optimizer);
        Assert.Equal(parameters.Select(p => "moments." + p.Name), optimizer.State.Select(s => s.Name));

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
        using var compiled = mode == ExecutionMode.Graph
            ? new GraphFunction(session, "momentum_step", Step, ["x", "y"], ["loss"], new CompileOptions(Fuse: fuse))
            : null;
        for (int t = 0; t < Steps; t++)
        {
            var xt = session.ToDevice(new HostTensor([batch, sizes[0]], x));
            var yt = session.ToDevice(new HostTensor([batch], labels));
            if (compiled is null) Step(xt, yt);
            else compiled.Call(xt, yt);
            session.EndStep();
        }

        // The float64 trajectory from the same initial values.
        var weights = new List<double[]> { Float64(first.Weight), Float64(second.Weight) };
        var biases = new List<double[]> { Float64(first.Bias!), Float64(second.Bias!) };
        var flat = new[] { weights[0], biases[0], weights[1], biases[1] };
        var accumulations = flat.Select(p => new double[p.Length]).ToArray();
        var xd = x.Select(v => (double)v).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            var grads = Float64Mlp.NumericGradient(weights, biases, xd, batch, sizes, labels);
            for (int p = 0; p < flat.Length; p++)
                for (int k = 0; k < flat[p].Length; k++)
                {
                    accumulations[p][k] = accumulations[p][k] * Coefficient + grads[p][k];
                    flat[p][k] -= LearningRate * accumulations[p][k];
                }
        }

        for (int p = 0; p < flat.Length; p++)
        {
            AssertClose(flat[p], parameters[p].ToFloatArray(), $"{parameters[p].Name}");
            AssertClose(accumulations[p], optimizer.State[p].ToFloatArray(), $"{optimizer.State[p].Name}");
        }
    }

    private static double[] Float64(Parameter p) => p.InitialValue.Select(v => (double)v).ToArray();

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            // float32 forward/backward (~1e-6 relative) over three steps; finite differences ~1e-9.
            double tolerance = 5e-5 + 1e-3 * Math.Abs(expected[k]);
            Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"{what}[{k}]: float64 {expected[k]:G9}, trainer {actual[k]:G9}");
        }
    }

    [Fact]
    public void Rejects_bad_settings_with_the_value()
    {
        var p = new Parameter("w", Graph.Ir.TensorType.Float(2), [1f, 2f]);
        Assert.Contains("got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1f, 1f)).Message);
        Assert.Contains("got -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1f, -0.5f)).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0f, 0.9f)).Message);
    }
}
