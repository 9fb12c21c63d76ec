using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Execution;

namespace Trainer.Training.Tests.Jit;

/// <summary>
/// A step over three inputs (two data tensors and the labels): h = relu(x1·Wᵀ + b), logits = h·x2ᵀ,
/// loss = softmax cross-entropy. Compiled against eager bit for bit, and the gradients of the weights
/// and of both data inputs (gradPosition) against central differences of a float64 reference.
/// </summary>
public sealed class ThreeInputStepTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    private sealed record Case(Dense Dense, int Batch, int In, int Hidden, int Classes, float[] X1, float[] X2, int[] Labels);

    private static Case MakeCase(ulong seed, int batch, int inFeatures, int hidden, int classes)
    {
        GlobalSeed.Set(seed);
        var dense = new Dense(inFeatures, hidden);
        var rng = new SeededRandom(seed + 7);
        float[] Draw(int n) => Enumerable.Range(0, n).Select(_ => rng.NextUniform(-1.5f, 1.5f)).ToArray();
        return new Case(dense, batch, inFeatures, hidden, classes, Draw(batch * inFeatures), Draw(classes * hidden),
            Enumerable.Range(0, batch).Select(_ => rng.NextInt(classes)).ToArray());
    }

    private static Tensor Loss(Dense dense, Tensor x1, Tensor x2, Tensor labels) =>
        Ops.SoftmaxCrossEntropy(Ops.MatMul(Ops.Relu(dense.Call(x1)), x2, transposeB: true), labels);

    /// <summary>The same loss in float64 loops.</summary>
    private static double Reference(Case c, double[] w, double[] b, double[] x1, double[] x2)
    {
        double total = 0;
        var h = new double[c.Hidden];
        var logits = new double[c.Classes];
        for (int r = 0; r < c.Batch; r++)
        {
            for (int j = 0; j < c.Hidden; j++)
            {
                double s = b[j];
                for (int k = 0; k < c.In; k++) s += x1[r * c.In + k] * w[j * c.In + k];
                h[j] = Math.Max(0, s);
            }
            double max = double.NegativeInfinity;
            for (int q = 0; q < c.Classes; q++)
            {
                double s = 0;
                for (int j = 0; j < c.Hidden; j++) s += h[j] * x2[q * c.Hidden + j];
                logits[q] = s;
                max = Math.Max(max, s);
            }
            double sum = logits.Sum(l => Math.Exp(l - max));
            total += Math.Log(sum) + max - logits[c.Labels[r]];
        }
        return total / c.Batch;
    }

    [Theory]
    [InlineData(3, 1, 7, 5, 3)]
    [InlineData(4, 7, 9, 8, 6)]
    public void CompiledEqualsEagerAndGradientsMatchFiniteDifferences(ulong seed, int batch, int inFeatures, int hidden, int classes)
    {
        var c = MakeCase(seed, batch, inFeatures, hidden, classes);
        session.Place(c.Dense);
        var weights = c.Dense.TrainableParams();
        var gradFn = Autograd.ValueAndGrad((Tensor x1, Tensor x2, Tensor y) => Loss(c.Dense, x1, x2, y), [0, 1], weights);
        Tensor[] Step(Tensor x1, Tensor x2, Tensor y)
        {
            var (loss, grads) = gradFn(x1, x2, y);
            return [loss, .. grads];
        }
        HostTensor[] batchData = [new([batch, inFeatures], c.X1), new([classes, hidden], c.X2), new([batch], c.Labels)];

        using var compiled = StepCompiler.Compile(session, "three_inputs", Step);
        using var eager = StepCompiler.Compile(session, "three_inputs", Step, ExecutionMode.Eager);
        var graphOut = compiled.Call(batchData).Select(t => t.ToFloatArray()).ToArray();
        var eagerOut = eager.Call(batchData).Select(t => t.ToFloatArray()).ToArray();
        Assert.Equal(5, graphOut.Length); // loss, d x1, d x2, d weight, d bias
        for (int i = 0; i < graphOut.Length; i++) Assert.Equal(eagerOut[i], graphOut[i]);

        double[] w = [.. c.Dense.Weight.InitialValue.Select(v => (double)v)], b = [.. c.Dense.Bias!.InitialValue.Select(v => (double)v)];
        double[] x1 = [.. c.X1.Select(v => (double)v)], x2 = [.. c.X2.Select(v => (double)v)];
        double Reference64() => Reference(c, w, b, x1, x2);
        Assert.Equal(Reference64(), graphOut[0][0], 5);
        FiniteDifference.AssertGradient(x1, graphOut[1], Reference64, "d x1");
        FiniteDifference.AssertGradient(x2, graphOut[2], Reference64, "d x2");
        FiniteDifference.AssertGradient(w, graphOut[3], Reference64, "d weight");
        FiniteDifference.AssertGradient(b, graphOut[4], Reference64, "d bias");
    }

    /// <summary>Three host inputs go up in one staged upload, and a repeated call allocates nothing.</summary>
    [Fact]
    public void ThreeHostInputsAreOneUploadAndNoAllocation()
    {
        var c = MakeCase(5, 7, 9, 8, 6);
        session.Place(c.Dense);
        using var compiled = StepCompiler.Compile(session, "loss", (x1, x2, y) => [Loss(c.Dense, x1, x2, y)]);
        HostTensor[] batchData = [new([7, 9], c.X1), new([6, 8], c.X2), new([7], c.Labels)];
        compiled.Call(batchData);
        long uploads = session.Backend.UploadCount;
        long managed = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) compiled.Call(batchData[0], batchData[1], batchData[2]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - managed);
        Assert.Equal(5, session.Backend.UploadCount - uploads);
    }

    [Fact]
    public void GradPositionErrorsNameTheInput()
    {
        var c = MakeCase(1, 2, 3, 4, 2);
        session.Place(c.Dense);
        using var scope = session.Scope();
        var x1 = session.Tensor(c.X1, new Shape(2, 3));
        var x2 = session.Tensor(c.X2, new Shape(2, 4));
        var y = session.Tensor(c.Labels, new Shape(2));
        var labelsGrad = Autograd.ValueAndGrad((Tensor a, Tensor b2, Tensor l) => Loss(c.Dense, a, b2, l), [2], c.Dense.TrainableParams());
        var e = Assert.Throws<ArgumentException>(() => labelsGrad(x1, x2, y));
        Assert.StartsWith("gradPosition 2 is a (2,) int32 input: only float32 inputs have gradients", e.Message);
        var outOfRange = Autograd.ValueAndGrad(xs => [Loss(c.Dense, xs[0], xs[1], xs[2])], [3], null);
        e = Assert.Throws<ArgumentException>(() => outOfRange([x1, x2, y]));
        Assert.StartsWith("gradPosition 3 is out of range: the function was given 3 inputs", e.Message);
        var twoValues = Autograd.ValueAndGrad(xs => [Loss(c.Dense, xs[0], xs[1], xs[2]), xs[0]], null, c.Dense.TrainableParams());
        var m = Assert.Throws<InvalidOperationException>(() => twoValues([x1, x2, y]));
        Assert.Contains("pass hasAux true", m.Message);
    }
}
