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
/// A small MLP (7-5-3, batch 6) trained a few steps by an optimizer, eagerly or compiled, next to
/// the same steps in float64: gradients by central differences of <see cref="Float64Mlp"/>, the
/// update rule applied by the test's own loop. The two trajectories must stay close.
/// </summary>
internal static class OptimizerTrajectory
{
    public static readonly int[] Sizes = [7, 5, 3];
    public const int Batch = 6;

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

    /// <summary>Every case of <see cref="Cases"/>, without weight decay and with a weight decay of 0.05.</summary>
    public static TheoryData<DeviceKind, ExecutionMode, bool, float> CasesWithDecay()
    {
        var data = new TheoryData<DeviceKind, ExecutionMode, bool, float>();
        foreach (var row in Cases())
            foreach (float decay in new[] { 0f, 0.05f })
                data.Add((DeviceKind)row[0], (ExecutionMode)row[1], (bool)row[2], decay);
        return data;
    }

    /// <summary>
    /// Trains <paramref name="steps"/> steps on one batch with the optimizer <paramref name="create"/>
    /// makes. Returns the parameters (W1, b1, W2, b2) as trained, the optimizer, their float64 initial
    /// values, and the float64 gradient at any float64 parameter values, for the caller's own update loop.
    /// </summary>
    public static (Parameter[] Parameters, IOptimizer Optimizer, double[][] Initial, Func<double[][], double[][]> Gradient) Run(
        DeviceKind device, ExecutionMode mode, bool fuse, int steps, Func<IReadOnlyList<Parameter>, IOptimizer> create, Session session)
    {
        GlobalSeed.Set(5);
        var first = new Dense(Sizes[0], Sizes[1]);
        var second = new Dense(Sizes[1], Sizes[2]);
        var model = new SequentialCell(first, new ReLU(), second);
        var rng = new SeededRandom(105);
        var x = Enumerable.Range(0, Batch * Sizes[0]).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var labels = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(Sizes[^1])).ToArray();

        session.Place(model);
        var parameters = model.TrainableParams().ToArray();
        var optimizer = create(parameters);
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
        using (var compiled = mode == ExecutionMode.Graph
            ? new GraphFunction(session, "optimizer_step", Step, ["x", "y"], ["loss"], new CompileOptions(Fuse: fuse))
            : null)
        {
            for (int t = 0; t < steps; t++)
            {
                var xt = session.ToDevice(new HostTensor([Batch, Sizes[0]], x));
                var yt = session.ToDevice(new HostTensor([Batch], labels));
                if (compiled is null) Step(xt, yt);
                else compiled.Call(xt, yt);
                session.EndStep();
            }
        }
        var initial = parameters.Select(p => p.InitialValue.Select(v => (double)v).ToArray()).ToArray();
        var xd = x.Select(v => (double)v).ToArray();
        double[][] Gradient(double[][] flat) =>
            Float64Mlp.NumericGradient([flat[0], flat[2]], [flat[1], flat[3]], xd, Batch, Sizes, labels);
        return (parameters, optimizer, initial, Gradient);
    }

    public static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            // float32 forward/backward (~1e-6 relative) over a few steps; finite differences ~1e-9.
            double tolerance = 5e-5 + 1e-3 * Math.Abs(expected[k]);
            Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"{what}[{k}]: float64 {expected[k]:G9}, trainer {actual[k]:G9}");
        }
    }
}
