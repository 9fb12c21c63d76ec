using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Execution;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Nn;

/// <summary>
/// BatchNorm1d and BatchNorm2d against a float64 loop: the training forward (batch statistics), the gradients of x,
/// gamma and beta against central differences, the moving statistics after the step (unbiased variance, MindSpore's
/// momentum), and the evaluation forward (moving statistics); eager equal to compiled bit for bit on every test
/// backend, and the native CPU backend equal across thread counts.
/// </summary>
public sealed class BatchNormTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private const float Eps = 1e-5f, Momentum = 0.9f;

    public static TheoryData<DeviceKind, int[]> Shapes()
    {
        var data = new TheoryData<DeviceKind, int[]>();
        int[][] shapes = [[7, 1, 3, 3], [1, 7, 1, 7], [65, 3, 1, 1], [2, 63, 2, 1], [2, 257, 1, 1], [257, 2], [7, 65], [2, 7, 3]];
        foreach (var device in TestDevices.All)
            foreach (var shape in shapes) data.Add(device, shape);
        return data;
    }

    private static BatchNorm Create(int[] shape) => shape.Length == 4 ? new BatchNorm2d(shape[1]) : new BatchNorm1d(shape[1]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_step_matches_float64_and_finite_differences_then_eval_uses_the_moving_statistics(DeviceKind device, int[] shape)
    {
        var session = sessions.Get(device);
        int channels = shape[1], count = PrimitiveCheck.Count(shape);
        string name = $"bn{device}{string.Join('x', shape)}";
        var x0 = PrimitiveCheck.Uniform(count, count, -2f, 3f);
        var gamma0 = PrimitiveCheck.Uniform(channels + 5, channels, 0.5f, 1.5f);
        var beta0 = PrimitiveCheck.Uniform(channels + 9, channels, -1f, 1f);
        var w = PrimitiveCheck.Uniform(count + 3, count, -1f, 1f);

        // Two layers of equal state: one stepped compiled, one eagerly.
        var (graphX, graphBn) = Build(session, name + "g", shape, x0, gamma0, beta0);
        var (eagerX, eagerBn) = Build(session, name + "e", shape, x0, gamma0, beta0);
        var wd = session.ToDevice(new HostTensor(shape, w));
        float[][] compiled, eager;
        using (var function = new GraphFunction(session, name, xs => Step(graphBn, graphX, xs[0]), ["w"], ["loss", "dx", "dgamma", "dbeta"], new CompileOptions()))
            compiled = function.Call(wd).Select(t => t.ToFloatArray()).ToArray();
        eager = Step(eagerBn, eagerX, wd).Select(t => t.ToFloatArray()).ToArray();
        session.EndStep();
        for (int i = 0; i < eager.Length; i++)
            Assert.True(eager[i].AsSpan().SequenceEqual(compiled[i]), $"{name}: eager and compiled output {i} differ");
        Assert.Equal(eagerBn.MovingMean.ToFloatArray(), graphBn.MovingMean.ToFloatArray());
        Assert.Equal(eagerBn.MovingVariance.ToFloatArray(), graphBn.MovingVariance.ToFloatArray());

        // float64 reference of the loss Σ y·w and its derivatives.
        var x = x0.Select(v => (double)v).ToArray();
        var g = gamma0.Select(v => (double)v).ToArray();
        var b = beta0.Select(v => (double)v).ToArray();
        double Loss()
        {
            var y = Reference.Train(x, shape, g, b, Eps, out _, out _);
            return y.Select((v, i) => v * w[i]).Sum();
        }
        double magnitude = Reference.Train(x, shape, g, b, Eps, out var mean, out var biased).Select((v, i) => Math.Abs(v * w[i])).Sum();
        Assert.True(Math.Abs(eager[0][0] - Loss()) <= 1e-5 * magnitude + 1e-6, $"{name}: loss {eager[0][0]:G9}, float64 {Loss():G9}");
        FiniteDifference.AssertGradient(x, eager[1], Loss, $"{name} dx");
        FiniteDifference.AssertGradient(g, eager[2], Loss, $"{name} dgamma");
        FiniteDifference.AssertGradient(b, eager[3], Loss, $"{name} dbeta");

        long n = count / channels;
        var movingMean = graphBn.MovingMean.ToFloatArray();
        var movingVariance = graphBn.MovingVariance.ToFloatArray();
        for (int c = 0; c < channels; c++)
        {
            double expectedMean = (1 - Momentum) * mean[c];
            double expectedVariance = Momentum + (1 - Momentum) * biased[c] * n / (n - 1);
            Assert.True(Math.Abs(movingMean[c] - expectedMean) <= 1e-6 * (1 + Math.Abs(expectedMean)), $"{name} moving_mean[{c}] {movingMean[c]}, float64 {expectedMean}");
            Assert.True(Math.Abs(movingVariance[c] - expectedVariance) <= 1e-6 * expectedVariance, $"{name} moving_variance[{c}] {movingVariance[c]}, float64 {expectedVariance}");
        }

        // Evaluation: the moving statistics, nothing written; compiled equal to eager.
        graphBn.SetTrain(false);
        eagerBn.SetTrain(false);
        float[] evalCompiled, evalEager;
        using (var function = new GraphFunction(session, name + "eval", xs => [graphBn.Call(graphX)], ["w"], ["y"], new CompileOptions()))
            evalCompiled = function.Call(session.ToDevice(new HostTensor(shape, w)))[0].ToFloatArray();
        using (session.Scope()) evalEager = eagerBn.Call(eagerX).ToFloatArray();
        Assert.Equal(evalEager, evalCompiled);
        Assert.Equal(movingMean, graphBn.MovingMean.ToFloatArray());
        var expectedEval = Reference.Eval(x, shape, movingMean, movingVariance, g, b, Eps);
        for (int i = 0; i < count; i++)
            Assert.True(Math.Abs(evalCompiled[i] - expectedEval[i]) <= 1e-5 * (1 + Math.Abs(expectedEval[i])), $"{name} eval y[{i}] {evalCompiled[i]}, float64 {expectedEval[i]}");
    }

    /// <summary>Evaluation of a single value per channel is legal (N·H·W = 1); training on one is refused with the shape named.</summary>
    [Fact]
    public void One_value_per_channel_evaluates_but_does_not_train()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var bn = new BatchNorm2d(3);
        session.Place(bn);
        using var scope = session.Scope();
        var x = session.Tensor([1f, -2f, 4f], new Shape(1, 3, 1, 1));
        var e = Assert.Throws<ArgumentException>(() => bn.Call(x));
        Assert.Contains("BatchNorm2d(3) in training needs more than one value per channel, got input (1, 3, 1, 1)", e.Message);
        bn.SetTrain(false);
        var y = bn.Call(x).ToFloatArray();
        var expected = new[] { 1.0, -2.0, 4.0 }.Select(v => v / Math.Sqrt(1 + Eps)).ToArray();
        for (int c = 0; c < 3; c++) Assert.Equal(expected[c], y[c], 6);
        var wrong = Assert.Throws<ArgumentException>(() => new BatchNorm1d(4).Call(session.Tensor([1f, 2f, 3f], new Shape(1, 3))));
        Assert.Contains("BatchNorm1d(4) expects input [N, C] or [N, C, L] with C = 4, got (1, 3)", wrong.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(3, momentum: 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(0));
    }

    /// <summary>The compiled training step on the native CPU backend gives the same bits with 1 and 3 worker threads.</summary>
    [Fact]
    public void Compiled_step_is_the_same_on_one_and_three_threads()
    {
        int[] shape = [8, 65, 5, 5];
        int count = PrimitiveCheck.Count(shape);
        var x0 = PrimitiveCheck.Uniform(11, count, -2f, 3f);
        var w = PrimitiveCheck.Uniform(12, count, -1f, 1f);
        float[][] Run(int threads)
        {
            using var session = Session.Open(DeviceRequest.For(DeviceKind.Cpu, threads));
            var (x, bn) = Build(session, $"t{threads}", shape, x0, PrimitiveCheck.Uniform(13, 65, 0.5f, 1.5f), PrimitiveCheck.Uniform(14, 65, -1f, 1f));
            using var function = new GraphFunction(session, "bn", xs => Step(bn, x, xs[0]), ["w"], ["loss", "dx", "dgamma", "dbeta"], new CompileOptions());
            var outputs = function.Call(session.ToDevice(new HostTensor(shape, w))).Select(t => t.ToFloatArray()).ToList();
            outputs.Add(bn.MovingMean.ToFloatArray());
            outputs.Add(bn.MovingVariance.ToFloatArray());
            return [.. outputs];
        }
        var one = Run(1);
        var three = Run(3);
        for (int i = 0; i < one.Length; i++) Assert.True(one[i].AsSpan().SequenceEqual(three[i]), $"output {i} differs between 1 and 3 threads");
    }

    private static (Parameter X, BatchNorm Bn) Build(Session session, string name, int[] shape, float[] x, float[] gamma, float[] beta)
    {
        var input = new Parameter(name + ".x", new Shape(shape), x);
        var bn = Create(shape);
        session.Place([input]);
        session.Place(bn);
        session.Assign(bn.Gamma, gamma);
        session.Assign(bn.Beta, beta);
        return (input, bn);
    }

    private static Tensor[] Step(BatchNorm bn, Parameter x, Tensor w)
    {
        var gradFn = Autograd.ValueAndGrad(wt => Ops.ReduceSum(Ops.Mul(bn.Call(x), wt)), null, [x, bn.Gamma, bn.Beta]);
        var (loss, grads) = gradFn(w);
        return [loss, .. grads];
    }

    /// <summary>Batch normalisation in float64 loops over [N, C, rest…].</summary>
    private static class Reference
    {
        public static double[] Train(double[] x, int[] shape, double[] gamma, double[] beta, double eps, out double[] mean, out double[] biased)
        {
            int n = shape[0], c = shape[1], inner = x.Length / (n * c);
            mean = new double[c];
            biased = new double[c];
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0;
                foreach (int i in Indices(n, c, inner, ch)) sum += x[i];
                mean[ch] = sum / (n * inner);
                double sq = 0;
                foreach (int i in Indices(n, c, inner, ch)) sq += (x[i] - mean[ch]) * (x[i] - mean[ch]);
                biased[ch] = sq / (n * inner);
            }
            var y = new double[x.Length];
            for (int ch = 0; ch < c; ch++)
                foreach (int i in Indices(n, c, inner, ch))
                    y[i] = (x[i] - mean[ch]) / Math.Sqrt(biased[ch] + eps) * gamma[ch] + beta[ch];
            return y;
        }

        public static double[] Eval(double[] x, int[] shape, float[] mean, float[] variance, double[] gamma, double[] beta, double eps)
        {
            int n = shape[0], c = shape[1], inner = x.Length / (n * c);
            var y = new double[x.Length];
            for (int ch = 0; ch < c; ch++)
                foreach (int i in Indices(n, c, inner, ch))
                    y[i] = (x[i] - mean[ch]) / Math.Sqrt(variance[ch] + eps) * gamma[ch] + beta[ch];
            return y;
        }

        private static IEnumerable<int> Indices(int n, int c, int inner, int ch)
        {
            for (int b = 0; b < n; b++)
                for (int k = 0; k < inner; k++)
                    yield return (b * c + ch) * inner + k;
        }
    }
}
