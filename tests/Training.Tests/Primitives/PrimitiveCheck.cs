using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Tests.Execution;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// One primitive checked end to end: loss = Σ (f(p…) + z)·w for parameters p, a fixed random weight w and zeros z
/// (the step's two inputs), run eagerly and as a compiled step. The loss must match the float64 reference, the
/// gradients must match central differences of the float64 loss, and eager and compiled must agree bit for bit.
/// </summary>
internal static class PrimitiveCheck
{
    public static void Run(Session session, string name, Func<Tensor[], Tensor> f, int[][] shapes, float[][] values, int[] outShape,
        Func<double[][], double[]> reference)
    {
        var parameters = shapes.Select((s, i) => new Parameter($"{name}.p{i}", TensorType.Float(s), values[i])).ToArray();
        session.Place(parameters);
        int outCount = outShape.Aggregate(1, (p, d) => p * d);
        var rng = new SeededRandom((ulong)(outCount * 31 + shapes.Length));
        var w = Enumerable.Range(0, outCount).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
        var gradFn = Autograd.ValueAndGrad((wt, zt) => Ops.ReduceSum(Ops.Mul(Ops.Add(f(parameters), zt), wt)), null, parameters);
        Tensor[] Step(Tensor wt, Tensor zt)
        {
            var (loss, grads) = gradFn(wt, zt);
            return [loss, .. grads];
        }
        var wd = session.ToDevice(new HostTensor(outShape, w));
        var zd = session.ToDevice(new HostTensor(outShape, new float[outCount]));

        float[][] compiled;
        using (var function = new GraphFunction(session, name, Step, ["w", "z"], ["loss", .. parameters.Select((_, i) => $"g{i}")], new CompileOptions()))
            compiled = function.Call(wd, zd).Select(t => t.ToFloatArray()).ToArray();
        var eager = Step(wd, zd).Select(t => t.ToFloatArray()).ToArray();
        session.EndStep();

        for (int i = 0; i < eager.Length; i++)
            Assert.True(eager[i].AsSpan().SequenceEqual(compiled[i]), $"{name}: eager and compiled output {i} differ");

        var p = values.Select(v => v.Select(x => (double)x).ToArray()).ToArray();
        double Loss()
        {
            var y = reference(p);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += y[i] * w[i];
            return sum;
        }
        double magnitude = reference(p).Select((y, i) => Math.Abs(y * w[i])).Sum();
        double exact = Loss();
        Assert.True(Math.Abs(eager[0][0] - exact) <= 1e-5 * magnitude + 1e-6, $"{name}: loss {eager[0][0]:G9}, float64 {exact:G9}");
        for (int i = 0; i < p.Length; i++)
            FiniteDifference.AssertGradient(p[i], eager[1 + i], Loss, $"{name} d/dp{i}");
    }

    public static float[] Uniform(int seed, int count, float low, float high)
    {
        var rng = new SeededRandom((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextUniform(low, high)).ToArray();
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (p, d) => p * d);
}
