using System.Diagnostics;
using System.Runtime.InteropServices;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.SelfTest;

/// <summary>
/// Runs every kernel of an <see cref="IKernelBackend"/> on seeded random inputs at awkward sizes
/// (not multiples of any block, tile or group) and compares each with the independent float64
/// loops of <see cref="ReferenceMath"/>, within the bounds of <see cref="ErrorBounds"/>. Outputs
/// get a sentinel-filled guard region after their end, so a stray write fails the check too.
/// Inputs depend only on the check's name and the seed, so every run and every device sees the
/// same data.
/// </summary>
public static partial class KernelSelfTest
{
    private const float Sentinel = -7777.25f;
    private const int Guard = 17;

    /// <summary>The GEMM shapes (M, N, K): a thin edge case, one off every multiple of 64, and the MLP's first layer.</summary>
    public static readonly IReadOnlyList<(int M, int N, int K)> GemmShapes = [(1, 7, 63), (65, 63, 257), (64, 512, 784)];

    /// <summary>The three layouts training uses: NN (dX, dH), NT (forward), TN (weight gradients).</summary>
    public static readonly IReadOnlyList<(string Name, bool TransposeA, bool TransposeB)> GemmLayouts =
        [("nn", false, false), ("nt", false, true), ("tn", true, false)];

    /// <summary>Rows and classes of the softmax cross-entropy and count-correct checks.</summary>
    public const int Rows = 257, Classes = 10;

    /// <summary>Every check, in the order <see cref="Run"/> runs them.</summary>
    public static IReadOnlyList<SelfTestCheck> Checks(int seed = 0)
    {
        var checks = new List<SelfTestCheck>();
        foreach (var (m, n, k) in GemmShapes)
            foreach (var layout in GemmLayouts)
                for (int flags = 0; flags < 8; flags++)
                {
                    var epilogue = new GemmEpilogue(flags);
                    int f = flags;
                    bool ta = layout.TransposeA, tb = layout.TransposeB;
                    string name = $"gemm {layout.Name} {m}x{n}x{k} {epilogue}";
                    checks.Add(new SelfTestCheck(name, b => CheckGemm(b, Rng(name, seed), m, n, k, ta, tb, f), [KernelKeys.Gemm]));
                }

        void Add(string name, Func<IKernelBackend, Random, SelfTestResult> run) =>
            checks.Add(new SelfTestCheck(name, b => run(b, Rng(name, seed))));

        // A check of kernels whose keys its name does not start with says which it launches.
        void AddOf(string[] keys, string name, Func<IKernelBackend, Random, SelfTestResult> run) =>
            checks.Add(new SelfTestCheck(name, b => run(b, Rng(name, seed)), keys));

        AddOf([KernelKeys.BiasAdd], "bias add 257x65", (b, r) => CheckBiasAdd(b, r, 257, 65));
        var lenetConv2 = new Conv2dShape(8, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0);
        AddOf([KernelKeys.Conv2d, KernelKeys.Conv2dBackwardData, KernelKeys.Conv2dBackwardFilter], "conv2d fwd+bwd 8x6x14x14 k5x16", (b, r) => CheckConv2d(b, r, lenetConv2));
        var strided = new Conv2dShape(3, 3, 9, 8, 4, 3, 3, 2, 2, 1, 1);
        AddOf([KernelKeys.Conv2d, KernelKeys.Conv2dBackwardData, KernelKeys.Conv2dBackwardFilter], "conv2d fwd+bwd 3x3x9x8 k3x4 s2 p1", (b, r) => CheckConv2d(b, r, strided));
        // LeNet's first layer (one input channel, 8-row tiles and a weight gradient split 196 ways on
        // GPUs) and ResNet-8's stride-2 3x3 and 1x1 shortcut at odd batch and ragged channels.
        var lenetConv1 = new Conv2dShape(8, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2);
        AddOf([KernelKeys.Conv2d, KernelKeys.Conv2dBackwardData, KernelKeys.Conv2dBackwardFilter], "conv2d fwd+bwd 8x1x28x28 k5x6 p2", (b, r) => CheckConv2d(b, r, lenetConv1));
        var resnetDown = new Conv2dShape(3, 17, 16, 16, 33, 3, 3, 2, 2, 1, 1);
        AddOf([KernelKeys.Conv2d, KernelKeys.Conv2dBackwardData, KernelKeys.Conv2dBackwardFilter], "conv2d fwd+bwd 3x17x16x16 k3x33 s2 p1", (b, r) => CheckConv2d(b, r, resnetDown));
        var resnetShortcut = new Conv2dShape(3, 17, 16, 16, 33, 1, 1, 2, 2, 0, 0);
        AddOf([KernelKeys.Conv2d, KernelKeys.Conv2dBackwardData, KernelKeys.Conv2dBackwardFilter], "conv2d fwd+bwd 3x17x16x16 k1x33 s2", (b, r) => CheckConv2d(b, r, resnetShortcut));
        var lenetPool = new Pool2dShape(7, 6, 28, 28, 2, 2, 2, 2);
        AddOf([KernelKeys.MaxPool2d, KernelKeys.MaxPool2dBackward], "max pool fwd+bwd 7x6x28x28 window 2 stride 2", (b, r) => CheckMaxPool2d(b, r, lenetPool));
        var overlapping = new Pool2dShape(3, 5, 9, 7, 3, 3, 2, 2);
        AddOf([KernelKeys.MaxPool2d, KernelKeys.MaxPool2dBackward], "max pool fwd+bwd 3x5x9x7 window 3 stride 2", (b, r) => CheckMaxPool2d(b, r, overlapping));
        AddOf([KernelKeys.MaxPool2dBackward], "max pool bwd relu-mask 7x6x28x28 window 2 stride 2", (b, r) => CheckMaxPool2dReluMask(b, r, lenetPool));
        AddOf([KernelKeys.MaxPool2dBackward], "max pool bwd relu-mask 3x5x9x7 window 3 stride 2", (b, r) => CheckMaxPool2dReluMask(b, r, overlapping));
        AddOf([KernelKeys.ChannelBiasAdd], "channel bias add 7x65x63", (b, r) => CheckChannelBiasAdd(b, r, 7, 65, 63));
        AddOf([KernelKeys.ChannelSum], "channel sum 7x65x63", (b, r) => CheckChannelSum(b, r, 7, 65, 63));
        AddOf([KernelKeys.Relu], "relu forward 32771", (b, r) => CheckRelu(b, r, 64 * 512 + 3));
        AddOf([KernelKeys.ReluBackward], "relu backward 32771", (b, r) => CheckReluBackward(b, r, 64 * 512 + 3));
        AddOf([KernelKeys.ColumnSum], "column sum 257x65", (b, r) => CheckColumnSum(b, r, 257, 65));
        AddOf([KernelKeys.SoftmaxCrossEntropy], $"softmax-ce forward {Rows}x{Classes}", (b, r) => CheckSoftmaxForward(b, r, Rows, Classes));
        AddOf([KernelKeys.SoftmaxCrossEntropyBackward], $"softmax-ce backward {Rows}x{Classes}", (b, r) => CheckSoftmaxBackward(b, r, Rows, Classes, 1.75f));
        AddOf([KernelKeys.SoftmaxCrossEntropyFused], $"softmax-ce fused {Rows}x{Classes}", (b, r) => CheckSoftmaxFused(b, r, Rows, Classes, 0.37f));
        AddOf([KernelKeys.SgdUpdate], "sgd single 100003", (b, r) => CheckSgd(b, r, 100_003));
        AddOf([KernelKeys.SgdUpdateMulti], "sgd multi mlp (6 tensors)", CheckSgdMulti);
        AddOf([KernelKeys.MomentumUpdate], "momentum single 100003 (weight decay 1e-2)", (b, r) => CheckMomentum(b, r, 100_003));
        AddOf([KernelKeys.MomentumUpdateMulti], "momentum multi mlp (6 tensors, weight decay 1e-2)", CheckMomentumMulti);
        AddOf([KernelKeys.AdamUpdate], "adam single 100003 (step 10, weight decay 1e-2)", (b, r) => CheckAdam(b, r, 100_003));
        AddOf([KernelKeys.AdamUpdateMulti], "adam multi mlp (6 tensors, step 10, weight decay 1e-2)", CheckAdamMulti);
        AddOf([KernelKeys.AdamBetaPowers], "adam beta powers (step 10)", CheckAdamBetaPowers);
        AddOf([KernelKeys.ImageNormalize], "image normalize 50183", (b, r) => CheckImageNormalize(b, r, 64 * 784 + 7));
        AddOf([KernelKeys.CountCorrect], $"count correct {Rows}x{Classes}", (b, r) => CheckCountCorrect(b, r, Rows, Classes));
        AddOf([KernelKeys.Fill], "fill 100003", (b, r) => CheckFill(b, r, 100_003));
        AddOf([KernelKeys.Add], "add 100003", (b, r) => CheckAdd(b, r, 100_003));
        AddTableChecks(Add);
        return checks;
    }

    /// <summary>
    /// Runs every check of <see cref="Checks"/>, then fails each kernel of the backend's <see cref="KernelTable"/> that no
    /// check launched; <paramref name="progress"/> sees each result as it finishes.
    /// </summary>
    public static IReadOnlyList<SelfTestResult> Run(IKernelBackend backend, Action<SelfTestResult>? progress = null, int seed = 0)
    {
        var results = new List<SelfTestResult>();
        var checks = Checks(seed);
        foreach (var check in checks)
        {
            var result = check.Run(backend);
            results.Add(result);
            progress?.Invoke(result);
        }
        foreach (var missing in UncheckedTableKernels(backend, checks))
        {
            results.Add(missing);
            progress?.Invoke(missing);
        }
        return results;
    }

    // ---- inputs -------------------------------------------------------------------------------

    /// <summary>A generator seeded from the check's name (FNV-1a, stable across processes) and the seed.</summary>
    private static Random Rng(string name, int seed)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return new Random(unchecked((int)hash ^ (seed * 486187739)));
    }

    private static float[] Uniform(Random rng, int count, float low = -1f, float high = 1f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(low + (high - low) * rng.NextDouble());
        return data;
    }

    private static int[] Labels(Random rng, int rows, int classes)
    {
        var labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = rng.Next(classes);
        return labels;
    }

    private static double[] Widen(float[] x) => Array.ConvertAll(x, v => (double)v);

    // ---- device plumbing ----------------------------------------------------------------------

    /// <summary>The buffers of one check, plus outputs with a guard region that catches writes past their end.</summary>
    private sealed class Buffers(IKernelBackend backend) : IDisposable
    {
        private readonly OwnedBuffers owned = new(backend);

        public DeviceBuffer Put<T>(T[] data) where T : unmanaged => owned.Put(data);

        /// <summary>An output of <paramref name="count"/> floats followed by <see cref="Guard"/> more, all set to the sentinel.</summary>
        public DeviceBuffer Output(int count)
        {
            var data = new float[count + Guard];
            Array.Fill(data, Sentinel);
            return Put(data);
        }

        public T[] Get<T>(DeviceBuffer buffer, int count) where T : unmanaged => owned.Get<T>(buffer, count);

        public void Dispose() => owned.Dispose();
    }

    /// <summary>Milliseconds for <paramref name="launch"/> and a synchronize; the device is idle before it starts.</summary>
    private static double Time(IKernelBackend backend, Action launch)
    {
        backend.Synchronize();
        long start = Stopwatch.GetTimestamp();
        launch();
        backend.Synchronize();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Compares the first <paramref name="count"/> floats of <paramref name="output"/> (read with its guard) and checks the guard.</summary>
    private static SelfTestResult CompareOutput(Buffers buffers, DeviceBuffer output, int count, double[] expected, Func<int, double> bound, double ms)
    {
        var got = buffers.Get<float>(output, count + Guard);
        var result = SelfTestComparison.Compare("", expected, got.AsSpan(0, count), bound, ms);
        return SelfTestComparison.CheckGuard(result, got.AsSpan(count), Sentinel);
    }

    // ---- checks -------------------------------------------------------------------------------

    private static SelfTestResult CheckGemm(IKernelBackend backend, Random rng, int m, int n, int k, bool ta, bool tb, int flags)
    {
        var epilogue = new GemmEpilogue(flags);
        var a = Uniform(rng, m * k);
        var b = Uniform(rng, k * n);
        float[]? bias = epilogue.HasBias ? Uniform(rng, n) : null;
        float[]? mask = null;
        if (epilogue.HasMask)
        {
            // A ReLU output has exact zeros; negatives and -0 must also count as "not > 0".
            mask = Uniform(rng, m * n);
            for (int i = 0; i < mask.Length; i++)
                if (i % 5 == 0) mask[i] = 0f;
                else if (i % 7 == 0) mask[i] = -0f;
        }

        using var buffers = new Buffers(backend);
        var da = buffers.Put(a);
        var db = buffers.Put(b);
        var dbias = bias is null ? null : buffers.Put(bias);
        var dmask = mask is null ? null : buffers.Put(mask);
        var dc = buffers.Output(m * n);
        var shape = GemmShape.For(m, n, k, ta, tb);
        double ms = Time(backend, () => backend.Gemm(da, db, dc, shape, epilogue, dbias, dmask));

        var expected = ReferenceMath.MatMul(a, b, m, n, k, ta, tb, bias, epilogue.HasRelu, mask, out var magnitude);
        return CompareOutput(buffers, dc, m * n, expected, i => ErrorBounds.Gemm(k, magnitude[i]), ms);
    }

    private static SelfTestResult CheckBiasAdd(IKernelBackend backend, Random rng, int rows, int columns)
    {
        var x = Uniform(rng, rows * columns, -3f, 3f);
        var bias = Uniform(rng, columns, -3f, 3f);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var db = buffers.Put(bias);
        var dy = buffers.Output(rows * columns);
        double ms = Time(backend, () => backend.BiasAdd(dx, db, dy, rows, columns));
        var expected = ReferenceMath.BiasAdd(x, bias, rows, columns);
        return CompareOutput(buffers, dy, rows * columns, expected, i => ErrorBounds.OneRounding(expected[i]), ms);
    }

    /// <summary>Uniform values with exact zeros, −0 and the smallest subnormals at the front: ReLU's edge cases.</summary>
    private static float[] WithReluEdges(float[] x)
    {
        float[] edges = [0f, -0f, float.Epsilon, -float.Epsilon];
        for (int i = 0; i < Math.Min(edges.Length, x.Length); i++) x[i] = edges[i];
        return x;
    }

    private static SelfTestResult CheckRelu(IKernelBackend backend, Random rng, int count)
    {
        var x = WithReluEdges(Uniform(rng, count));
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(count);
        double ms = Time(backend, () => backend.Relu(dx, dy, count));
        return CompareOutput(buffers, dy, count, ReferenceMath.Relu(x), _ => 0, ms); // exact in float32
    }

    private static SelfTestResult CheckReluBackward(IKernelBackend backend, Random rng, int count)
    {
        var x = WithReluEdges(Uniform(rng, count));
        var y = Array.ConvertAll(x, v => v > 0 ? v : 0f);
        var dy = Uniform(rng, count, -2f, 2f);
        using var buffers = new Buffers(backend);
        var ddy = buffers.Put(dy);
        var dyOut = buffers.Put(y);
        var ddx = buffers.Output(count);
        double ms = Time(backend, () => backend.ReluBackward(ddy, dyOut, ddx, count));
        return CompareOutput(buffers, ddx, count, ReferenceMath.ReluBackward(dy, y), _ => 0, ms); // exact
    }

    private static SelfTestResult CheckColumnSum(IKernelBackend backend, Random rng, int rows, int columns)
    {
        var x = Uniform(rng, rows * columns, -2f, 2f);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var ds = buffers.Output(columns);
        double ms = Time(backend, () => backend.ColumnSum(dx, ds, rows, columns));
        var expected = ReferenceMath.ColumnSum(x, rows, columns, out var magnitude);
        return CompareOutput(buffers, ds, columns, expected, j => ErrorBounds.Sum(rows, magnitude[j]), ms);
    }

    private static SelfTestResult CheckSoftmaxForward(IKernelBackend backend, Random rng, int rows, int classes)
    {
        var logits = Uniform(rng, rows * classes, -4f, 4f);
        var labels = Labels(rng, rows, classes);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(logits);
        var dl = buffers.Put(labels);
        var loss = buffers.Output(1);
        double ms = Time(backend, () => backend.SoftmaxCrossEntropy(dx, dl, loss, rows, classes));
        var rowLosses = ReferenceMath.SoftmaxCrossEntropyRows(Widen(logits), labels, rows, classes);
        return CompareOutput(buffers, loss, 1, [rowLosses.Average()], _ => ErrorBounds.SoftmaxCrossEntropyLoss(rowLosses, classes), ms);
    }

    private static SelfTestResult CheckSoftmaxBackward(IKernelBackend backend, Random rng, int rows, int classes, float dloss)
    {
        var logits = Uniform(rng, rows * classes, -4f, 4f);
        var labels = Labels(rng, rows, classes);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(logits);
        var dl = buffers.Put(labels);
        var seed = buffers.Put(new[] { dloss });
        var grad = buffers.Output(rows * classes);
        double ms = Time(backend, () => backend.SoftmaxCrossEntropyBackward(dx, dl, seed, grad, rows, classes));
        var expected = ReferenceMath.SoftmaxCrossEntropyGradient(Widen(logits), labels, rows, classes, dloss);
        return CompareOutput(buffers, grad, rows * classes, expected, _ => ErrorBounds.SoftmaxCrossEntropyGradient(rows, classes, dloss), ms);
    }

    /// <summary>The loss and the gradient of one fused launch, compared as one vector: element 0 is the loss, then the gradient.</summary>
    private static SelfTestResult CheckSoftmaxFused(IKernelBackend backend, Random rng, int rows, int classes, float dloss)
    {
        var logits = Uniform(rng, rows * classes, -6f, 6f);
        var labels = Labels(rng, rows, classes);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(logits);
        var dl = buffers.Put(labels);
        var loss = buffers.Output(1);
        var grad = buffers.Output(rows * classes);
        double ms = Time(backend, () => backend.SoftmaxCrossEntropyFused(dx, dl, loss, grad, rows, classes, dloss));

        var x = Widen(logits);
        var rowLosses = ReferenceMath.SoftmaxCrossEntropyRows(x, labels, rows, classes);
        var expected = new double[1 + rows * classes];
        expected[0] = rowLosses.Average();
        ReferenceMath.SoftmaxCrossEntropyGradient(x, labels, rows, classes, dloss).CopyTo(expected, 1);
        double lossBound = ErrorBounds.SoftmaxCrossEntropyLoss(rowLosses, classes);
        double gradBound = ErrorBounds.SoftmaxCrossEntropyGradient(rows, classes, dloss);

        var gotLoss = buffers.Get<float>(loss, 1 + Guard);
        var gotGrad = buffers.Get<float>(grad, rows * classes + Guard);
        var got = new float[1 + rows * classes];
        got[0] = gotLoss[0];
        Array.Copy(gotGrad, 0, got, 1, rows * classes);
        var result = SelfTestComparison.Compare("", expected, got, i => i == 0 ? lossBound : gradBound, ms);
        result = SelfTestComparison.CheckGuard(result, gotLoss.AsSpan(1), Sentinel, "loss");
        return SelfTestComparison.CheckGuard(result, gotGrad.AsSpan(rows * classes), Sentinel, "gradient");
    }

    private static SelfTestResult CheckImageNormalize(IKernelBackend backend, Random rng, int count)
    {
        const float scale = 1f / 255f, shift = 0f, mean = 0.1307f, std = 0.3081f; // MNIST
        var pixels = new byte[count];
        rng.NextBytes(pixels);
        for (int i = 0; i < Math.Min(count, 256); i++) pixels[i] = (byte)(255 - i); // every byte value once
        using var buffers = new Buffers(backend);
        var dp = buffers.Put(pixels);
        var dy = buffers.Output(count);
        double ms = Time(backend, () => backend.ImageNormalize(dp, dy, count, scale, shift, mean, std));
        var expected = ReferenceMath.ImageNormalize(pixels, scale, shift, mean, std);
        return CompareOutput(buffers, dy, count, expected,
            i => ErrorBounds.ImageNormalize(pixels[i], scale, shift, mean, std, expected[i]), ms);
    }

    private static SelfTestResult CheckCountCorrect(IKernelBackend backend, Random rng, int rows, int classes)
    {
        // Few distinct values, so many rows have tied maxima (the first maximum wins); half the
        // rows are labelled with their argmax so the count is not tiny.
        var logits = new float[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = rng.Next(4) - 1.5f;
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int j = 1; j < classes; j++) if (logits[r * classes + j] > logits[r * classes + best]) best = j;
            labels[r] = rng.Next(2) == 0 ? best : rng.Next(classes);
        }
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(logits);
        var dl = buffers.Put(labels);
        var dc = buffers.Put(new[] { -12345, 777 });
        double ms = Time(backend, () => backend.CountCorrect(dx, dl, dc, rows, classes));
        var got = buffers.Get<int>(dc, 2);
        var result = SelfTestComparison.Compare("", [ReferenceMath.CountCorrect(logits, labels, rows, classes)], [got[0]], 0, ms);
        return got[1] == 777 ? result : result with { Passed = false, Detail = $"wrote past the count: the next int is {got[1]}" };
    }

    private static SelfTestResult CheckFill(IKernelBackend backend, Random rng, int count)
    {
        float value = (float)Math.Round(rng.NextDouble() * 8 - 4, 3);
        using var buffers = new Buffers(backend);
        var dy = buffers.Output(count);
        double ms = Time(backend, () => backend.Fill(dy, count, value));
        var expected = new double[count];
        Array.Fill(expected, value);
        return CompareOutput(buffers, dy, count, expected, _ => 0, ms);
    }

    private static SelfTestResult CheckAdd(IKernelBackend backend, Random rng, int count)
    {
        var a = Uniform(rng, count, -10f, 10f);
        var b = Uniform(rng, count, -10f, 10f);
        using var buffers = new Buffers(backend);
        var da = buffers.Put(a);
        var db = buffers.Put(b);
        var dy = buffers.Output(count);
        double ms = Time(backend, () => backend.Add(da, db, dy, count));
        var expected = ReferenceMath.Add(a, b);
        return CompareOutput(buffers, dy, count, expected, i => ErrorBounds.OneRounding(expected[i]), ms);
    }
}
