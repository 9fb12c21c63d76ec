using Trainer.Kernels.Device;
using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class SoftmaxCrossEntropyTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private const float Sentinel = -4242.5f;
    private const int Guard = 11;

    /// <summary>Every (backend, rows, classes) the reductions are checked at: group sizes 2, 16 and 256.</summary>
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int rows in new[] { 1, 7, 63, 65, 257 })
                foreach (int classes in new[] { 2, 10, 13 })
                    data.Add(backend, rows, classes);
        foreach (int rows in new[] { 1, 65, 257, 300 })
            data.Add(BackendFixture.Tiled, rows, 10);
        return data;
    }

    private static (float[] Logits, int[] Labels) MakeInputs(int rows, int classes, float range, int seed = 0)
    {
        var rng = TestData.Rng(rows, classes, (int)range, seed);
        return (TestData.Uniform(rng, rows * classes, -range, range), TestData.Labels(rng, rows, classes));
    }

    private static float Forward(IKernelBackend backend, float[] logits, int[] labels, int rows, int classes)
    {
        using var dx = backend.Put(logits);
        using var dy = backend.Put(labels);
        using var loss = backend.Filled(1, Sentinel);
        backend.SoftmaxCrossEntropy(dx, dy, loss, rows, classes);
        return backend.Scalar(loss);
    }

    private static float[] Backward(IKernelBackend backend, float[] logits, int[] labels, int rows, int classes, float dloss)
    {
        using var dx = backend.Put(logits);
        using var dy = backend.Put(labels);
        using var seed = backend.Put(new[] { dloss });
        using var grad = backend.Filled(rows * classes + Guard, Sentinel);
        backend.SoftmaxCrossEntropyBackward(dx, dy, seed, grad, rows, classes);
        var result = backend.Floats(grad, rows * classes + Guard);
        Close.Untouched(result, rows * classes, rows * classes + Guard, Sentinel, "backward wrote past dlogits");
        return result[..(rows * classes)];
    }

    private static (float Loss, float[] Grad) Fused(IKernelBackend backend, float[] logits, int[] labels, int rows, int classes, float dloss)
    {
        using var dx = backend.Put(logits);
        using var dy = backend.Put(labels);
        using var loss = backend.Filled(1, Sentinel);
        using var grad = backend.Filled(rows * classes + Guard, Sentinel);
        backend.SoftmaxCrossEntropyFused(dx, dy, loss, grad, rows, classes, dloss);
        var result = backend.Floats(grad, rows * classes + Guard);
        Close.Untouched(result, rows * classes, rows * classes + Guard, Sentinel, "fused wrote past dlogits");
        return (backend.Scalar(loss), result[..(rows * classes)]);
    }

    /// <summary>
    /// Bound for the loss. Per row, float32 computes log(Σ_j exp(x_j − max)) − (x_label − max): the
    /// sum of C terms in (0,1] is within about (C+2)u relative (each exp ~1 ulp plus C adds), which
    /// log turns into (C+2)u absolute, plus u·|row loss| from the final subtraction. The mean then
    /// sums B row values (γ_B relative to the sum of magnitudes) and divides. So
    /// |error| ≤ 4u·((C + 4) + (B + 2)·mean|row loss|), a factor 4 of slack over the estimate.
    /// </summary>
    private static double LossTolerance(double[] rowLosses, int classes) =>
        ErrorBounds.SoftmaxCrossEntropyLoss(rowLosses, classes);

    /// <summary>
    /// Bound for each gradient entry (p − onehot)·dloss/B. p = exp(x − max)/Σ has relative error
    /// ~(C+4)u from the exps, the sum and the division; rounding x − max perturbs p by at most
    /// u·|x − max|·p ≤ u/e absolutely. So |error| ≤ 4u·(C + 8)·|dloss/B|, factor 4 of slack.
    /// </summary>
    private static double GradientTolerance(int rows, int classes, double dloss) =>
        ErrorBounds.SoftmaxCrossEntropyGradient(rows, classes, dloss);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_float64_reference(string backendName, int rows, int classes)
    {
        var (logits, labels) = MakeInputs(rows, classes, range: 4f);
        float got = Forward(backends.Get(backendName), logits, labels, rows, classes);
        var rowLosses = ReferenceMath.SoftmaxCrossEntropyRows(TestData.ToDouble(logits), labels, rows, classes);
        double expected = rowLosses.Average();
        Assert.True(Math.Abs(got - expected) <= LossTolerance(rowLosses, classes),
            $"loss {got:R}, reference {expected:R}, tolerance {LossTolerance(rowLosses, classes):E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_float64_reference_and_finite_differences(string backendName, int rows, int classes)
    {
        const float dloss = 1.75f; // not 1, so that the upstream gradient's scaling is checked
        var (logits, labels) = MakeInputs(rows, classes, range: 4f);
        var got = Backward(backends.Get(backendName), logits, labels, rows, classes, dloss);

        var x = TestData.ToDouble(logits);
        var expected = ReferenceMath.SoftmaxCrossEntropyGradient(x, labels, rows, classes, dloss);
        double tol = GradientTolerance(rows, classes, dloss);
        Close.All(expected, got, _ => tol, $"backward rows={rows} classes={classes}");

        // Central differences of the float64 loss dloss·L(x): truncation error h²/6·|∂³L| with
        // |∂³L| ≤ 1/B per entry, and cancellation error ~1e-16·|L|/h, both far below 1e-6·dloss/B.
        const double h = 1e-4;
        double fdTol = tol + 1e-6 * dloss / rows;
        var fd = new double[rows * classes];
        for (int i = 0; i < fd.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double plus = ReferenceMath.SoftmaxCrossEntropy(x, labels, rows, classes);
            x[i] = saved - h;
            double minus = ReferenceMath.SoftmaxCrossEntropy(x, labels, rows, classes);
            x[i] = saved;
            fd[i] = dloss * (plus - minus) / (2 * h);
        }
        Close.All(fd, Array.ConvertAll(expected, v => (float)v), _ => fdTol, "float64 reference gradient vs finite differences");
        Close.All(fd, got, _ => fdTol, $"backward vs finite differences rows={rows} classes={classes}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_equals_forward_then_backward_bit_for_bit(string backendName, int rows, int classes)
    {
        var backend = backends.Get(backendName);
        var (logits, labels) = MakeInputs(rows, classes, range: 6f, seed: 1);
        foreach (float dloss in new[] { 1f, 0.37f })
        {
            var (loss, grad) = Fused(backend, logits, labels, rows, classes, dloss);
            Assert.Equal(BitConverter.SingleToInt32Bits(Forward(backend, logits, labels, rows, classes)), BitConverter.SingleToInt32Bits(loss));
            Close.Bitwise(Backward(backend, logits, labels, rows, classes, dloss), grad, $"fused vs backward, dloss={dloss}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Large_logits_stay_finite_and_accurate(string backendName, int rows, int classes)
    {
        var backend = backends.Get(backendName);
        var (logits, labels) = MakeInputs(rows, classes, range: 80f, seed: 2);
        // The worst case: the label's logit at −80 and another at +80 (row loss ≈ 160, exp(−160) underflows).
        logits[0] = 80f;
        logits[labels[0] == 0 ? 1 : 0] = 80f;
        logits[labels[0]] = -80f;

        var x = TestData.ToDouble(logits);
        var rowLosses = ReferenceMath.SoftmaxCrossEntropyRows(x, labels, rows, classes);
        var (loss, grad) = Fused(backend, logits, labels, rows, classes, 1f);
        Assert.True(float.IsFinite(loss), $"loss {loss}");
        Assert.True(Math.Abs(loss - rowLosses.Average()) <= LossTolerance(rowLosses, classes),
            $"loss {loss:R}, reference {rowLosses.Average():R}");
        Assert.All(grad, g => Assert.True(float.IsFinite(g)));
        var expected = ReferenceMath.SoftmaxCrossEntropyGradient(x, labels, rows, classes, 1.0);
        Close.All(expected, grad, _ => GradientTolerance(rows, classes, 1.0), "fused gradient at ±80");
        Assert.True(float.IsFinite(Forward(backend, logits, labels, rows, classes)));
        Close.All(expected, Backward(backend, logits, labels, rows, classes, 1f), _ => GradientTolerance(rows, classes, 1.0), "backward at ±80");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Same_inputs_give_bit_identical_loss(string backendName, int rows, int classes)
    {
        var backend = backends.Get(backendName);
        var (logits, labels) = MakeInputs(rows, classes, range: 5f, seed: 3);
        float first = Forward(backend, logits, labels, rows, classes);
        float second = Forward(backend, logits, labels, rows, classes);
        Assert.Equal(BitConverter.SingleToInt32Bits(first), BitConverter.SingleToInt32Bits(second));
        var (f1, g1) = Fused(backend, logits, labels, rows, classes, 1f);
        var (f2, g2) = Fused(backend, logits, labels, rows, classes, 1f);
        Assert.Equal(BitConverter.SingleToInt32Bits(f1), BitConverter.SingleToInt32Bits(f2));
        Close.Bitwise(g1, g2, "fused gradient, second run");
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void One_class_gives_zero_loss_and_zero_gradient(string backendName)
    {
        var backend = backends.Get(backendName);
        var (logits, labels) = MakeInputs(7, 1, range: 3f);
        Assert.Equal(0f, Forward(backend, logits, labels, 7, 1));
        Assert.All(Backward(backend, logits, labels, 7, 1, 1f), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Uniform_logits_give_log_classes()
    {
        var backend = backends.Get(BackendFixture.Fast);
        const int rows = 65, classes = 10;
        var logits = new float[rows * classes];
        Array.Fill(logits, 3.5f);
        var labels = TestData.Labels(new Random(5), rows, classes);
        float loss = Forward(backend, logits, labels, rows, classes);
        Assert.True(Math.Abs(loss - Math.Log(classes)) <= 1e-6, $"loss {loss:R}, log(10) = {Math.Log(classes):R}");
    }
}
