using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Execution;

/// <summary>
/// LeNet's building block, conv → channel bias → ReLU → 2x2 max pool → logits, differentiated
/// eagerly and compiled (with and without fusion), against central differences of a float64
/// implementation, on the native and ILGPU CPU backends.
/// </summary>
public sealed class ConvPoolGradientTests
{
    private const int N = 2, C = 2, H = 8, W = 7, O = 3, K = 3, Pad = 1, PH = 2;
    private const int OH = H + 2 * Pad - K + 1, OW = W + 2 * Pad - K + 1, QH = OH / PH, QW = OW / PH;

    public static TheoryData<DeviceKind, int> Cases()
    {
        var data = new TheoryData<DeviceKind, int>();
        foreach (var device in TestDevices.All)
            for (int mode = 0; mode < 3; mode++) data.Add(device, mode); // eager, graph, graph fused
        return data;
    }

    private static double Loss(float[] x, double[] w, double[] b, int[] labels)
    {
        double total = 0;
        for (int n = 0; n < N; n++)
        {
            var conv = new double[O, OH, OW];
            for (int o = 0; o < O; o++)
                for (int oh = 0; oh < OH; oh++)
                    for (int ow = 0; ow < OW; ow++)
                    {
                        double acc = b[o];
                        for (int c = 0; c < C; c++)
                            for (int kh = 0; kh < K; kh++)
                                for (int kw = 0; kw < K; kw++)
                                {
                                    int ih = oh - Pad + kh, iw = ow - Pad + kw;
                                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                    acc += x[((n * C + c) * H + ih) * W + iw] * w[((o * C + c) * K + kh) * K + kw];
                                }
                        conv[o, oh, ow] = Math.Max(acc, 0);
                    }
            var logits = new List<double>();
            for (int o = 0; o < O; o++)
                for (int qh = 0; qh < QH; qh++)
                    for (int qw = 0; qw < QW; qw++)
                    {
                        double m = double.NegativeInfinity;
                        for (int a = 0; a < PH; a++)
                            for (int c2 = 0; c2 < PH; c2++) m = Math.Max(m, conv[o, qh * PH + a, qw * PH + c2]);
                        logits.Add(m);
                    }
            double max = logits.Max();
            total += Math.Log(logits.Sum(v => Math.Exp(v - max))) + max - logits[labels[n]];
        }
        return total / N;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_through_relu_and_max_pool_match_finite_differences(DeviceKind device, int mode)
    {
        var rng = new SeededRandom(29);
        var x = Enumerable.Range(0, N * C * H * W).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var w0 = Enumerable.Range(0, O * C * K * K).Select(_ => rng.NextUniform(-0.5f, 0.5f)).ToArray();
        var b0 = Enumerable.Range(0, O).Select(_ => rng.NextUniform(0f, 0.5f)).ToArray();
        var labels = Enumerable.Range(0, N).Select(_ => rng.NextInt(O * QH * QW)).ToArray();

        using var session = Session.Open(device);
        var weight = new Parameter("conv.weight", TensorType.Float(O, C, K, K), w0);
        var bias = new Parameter("conv.bias", TensorType.Float(O), b0);
        session.Place([weight, bias]);
        var gradFn = Autograd.ValueAndGrad((xs, ys) =>
        {
            var y = Ops.Relu(Ops.BiasAdd(Ops.Conv2d(xs, weight, padH: Pad, padW: Pad), bias, axis: 1));
            var logits = Ops.Reshape(Ops.MaxPool2d(y, PH, PH), N, O * QH * QW);
            return (Ops.SoftmaxCrossEntropy(logits, ys), logits);
        }, null, [weight, bias], hasAux: true);
        Tensor[] Step(Tensor xs, Tensor ys)
        {
            var ((loss, _), grads) = gradFn(xs, ys);
            return [loss, .. grads];
        }
        var xt = session.ToDevice(new HostTensor([N, C, H, W], x));
        var yt = session.ToDevice(new HostTensor([N], labels));
        float[][] grads;
        if (mode > 0)
        {
            using var function = new GraphFunction(session, "conv_pool", Step, ["x", "y"], ["loss", "dw", "db"], new CompileOptions(Fuse: mode == 2));
            grads = function.Call(xt, yt).Skip(1).Select(g => g.ToFloatArray()).ToArray();
        }
        else
        {
            grads = Step(xt, yt).Skip(1).Select(g => g.ToFloatArray()).ToArray();
        }
        session.EndStep();

        var w = w0.Select(v => (double)v).ToArray();
        var b = b0.Select(v => (double)v).ToArray();
        FiniteDifference.AssertGradient(w, grads[0], () => Loss(x, w, b, labels), "weight");
        FiniteDifference.AssertGradient(b, grads[1], () => Loss(x, w, b, labels), "bias");
    }
}
