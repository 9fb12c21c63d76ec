using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Execution;

/// <summary>
/// The gradient of a whole model plus loss, from eager autodiff and from the compiled graph,
/// against central finite differences of an independent float64 implementation.
/// </summary>
public sealed class GradientCheckTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    private sealed record Case(SequentialCell Model, Dense[] Layers, int[] Sizes, int Batch, float[] X, int[] Labels);

    private static Case MakeCase(ulong seed, int batch, params int[] sizes)
    {
        GlobalSeed.Set(seed);
        var layers = new List<Dense>();
        var cells = new List<Cell>();
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            var dense = new Dense(sizes[l], sizes[l + 1]);
            layers.Add(dense);
            cells.Add(dense);
            if (l + 2 < sizes.Length) cells.Add(new ReLU());
        }
        var rng = new SeededRandom(seed + 100);
        var x = Enumerable.Range(0, batch * sizes[0]).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(sizes[^1])).ToArray();
        return new Case(new SequentialCell(cells.ToArray()), layers.ToArray(), sizes, batch, x, labels);
    }

    private static (Tensor Loss, Tensor Logits) Forward(Cell model, Tensor x, Tensor y)
    {
        var logits = model.Call(x);
        return (Ops.SoftmaxCrossEntropy(logits, y), logits);
    }

    /// <summary>d loss / d every weight and bias element, by central differences of the float64 reference.</summary>
    private static double[][] FiniteDifferences(Case c) =>
        Float64Mlp.NumericGradient(
            c.Layers.Select(l => l.Weight.InitialValue.Select(v => (double)v).ToArray()).ToList(),
            c.Layers.Select(l => l.Bias!.InitialValue.Select(v => (double)v).ToArray()).ToList(),
            c.X.Select(v => (double)v).ToArray(), c.Batch, c.Sizes, c.Labels);

    private static void AssertClose(double[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length; p++)
        {
            Assert.Equal(expected[p].Length, actual[p].Length);
            for (int k = 0; k < expected[p].Length; k++)
            {
                // float32 forward and backward carry ~1e-6 relative error; finite differences of the
                // float64 loss with h = 1e-6 are good to ~1e-9.
                double tolerance = 2e-5 + 1e-3 * Math.Abs(expected[p][k]);
                Assert.True(Math.Abs(expected[p][k] - actual[p][k]) <= tolerance,
                    $"parameter {p} element {k}: finite difference {expected[p][k]:G9}, autodiff {actual[p][k]:G9}");
            }
        }
    }

    private (Tensor X, Tensor Y) Upload(Case c) =>
        (session.ToDevice(new HostTensor([c.Batch, c.Sizes[0]], c.X)), session.ToDevice(new HostTensor([c.Batch], c.Labels)));

    [Theory]
    [InlineData(1, 1, new[] { 7, 5, 3 })]
    [InlineData(2, 7, new[] { 7, 5, 3 })]
    [InlineData(3, 4, new[] { 9, 8, 6, 4 })]
    public void EagerGradientsMatchFiniteDifferences(ulong seed, int batch, int[] sizes)
    {
        var c = MakeCase(seed, batch, sizes);
        session.Place(c.Model);
        var gradFn = Autograd.ValueAndGrad((x, y) => Forward(c.Model, x, y), null, c.Model.TrainableParams(), hasAux: true);
        var (x, y) = Upload(c);
        var (_, grads) = gradFn(x, y);
        AssertClose(FiniteDifferences(c), grads.Select(g => g.ToFloatArray()).ToArray());
        session.EndStep();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CompiledGradientsMatchFiniteDifferencesAndEager(bool fuse)
    {
        var c = MakeCase(11, 5, 6, 7, 3);
        session.Place(c.Model);
        var parameters = c.Model.TrainableParams();
        var gradFn = Autograd.ValueAndGrad((x, y) => Forward(c.Model, x, y), null, parameters, hasAux: true);
        Tensor[] Step(Tensor x, Tensor y)
        {
            var ((loss, _), grads) = gradFn(x, y);
            return [loss, .. grads];
        }
        using var compiled = new GraphFunction(session, "grad_step", Step, ["x", "y"],
            ["loss", .. parameters.Select((_, i) => $"grad{i}")], new CompileOptions(Fuse: fuse));
        var (xt, yt) = Upload(c);
        var outputs = compiled.Call(xt, yt);
        var compiledGrads = outputs.Skip(1).Select(g => g.ToFloatArray()).ToArray();
        AssertClose(FiniteDifferences(c), compiledGrads);

        var eagerGrads = Step(xt, yt).Skip(1).Select(g => g.ToFloatArray()).ToArray();
        if (!fuse)
            for (int p = 0; p < eagerGrads.Length; p++)
                Assert.Equal(eagerGrads[p], compiledGrads[p]); // same kernels, same order: bit-identical
        session.EndStep();
    }
}
