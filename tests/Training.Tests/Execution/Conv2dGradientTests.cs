using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Execution;

/// <summary>
/// A convolution with a channel bias, reshaped into logits, differentiated eagerly and compiled,
/// against central differences of a float64 implementation of the same loss, at two geometries
/// (stride 1 with padding 1; stride 2 without padding).
/// </summary>
public sealed class Conv2dGradientTests
{
    private sealed record Case(int N, int C, int H, int W, int O, int K, int Stride, int Pad)
    {
        public int OH => (H + 2 * Pad - K) / Stride + 1;
        public int OW => (W + 2 * Pad - K) / Stride + 1;
    }

    private static readonly Case[] Geometries = [new(2, 2, 5, 5, 3, 3, 1, 1), new(3, 1, 7, 6, 2, 3, 2, 0)];

    public static TheoryData<DeviceKind, bool, int> Cases()
    {
        var data = new TheoryData<DeviceKind, bool, int>();
        foreach (var device in TestDevices.All)
            foreach (bool compiled in new[] { false, true })
                for (int g = 0; g < Geometries.Length; g++)
                    data.Add(device, compiled, g);
        return data;
    }

    private static double Loss(Case c, float[] x, double[] w, double[] b, int[] labels)
    {
        int k = c.O * c.OH * c.OW;
        double total = 0;
        for (int n = 0; n < c.N; n++)
        {
            var logits = new double[k];
            for (int o = 0; o < c.O; o++)
                for (int oh = 0; oh < c.OH; oh++)
                    for (int ow = 0; ow < c.OW; ow++)
                    {
                        double acc = b[o];
                        for (int ch = 0; ch < c.C; ch++)
                            for (int kh = 0; kh < c.K; kh++)
                                for (int kw = 0; kw < c.K; kw++)
                                {
                                    int ih = oh * c.Stride - c.Pad + kh, iw = ow * c.Stride - c.Pad + kw;
                                    if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                                    acc += x[((n * c.C + ch) * c.H + ih) * c.W + iw] * w[((o * c.C + ch) * c.K + kh) * c.K + kw];
                                }
                        logits[(o * c.OH + oh) * c.OW + ow] = acc;
                    }
            double max = logits.Max();
            total += Math.Log(logits.Sum(v => Math.Exp(v - max))) + max - logits[labels[n]];
        }
        return total / c.N;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Weight_and_bias_gradients_match_finite_differences(DeviceKind device, bool compiled, int geometry)
    {
        var c = Geometries[geometry];
        var rng = new SeededRandom(23 + (ulong)geometry);
        var x = Enumerable.Range(0, c.N * c.C * c.H * c.W).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var w0 = Enumerable.Range(0, c.O * c.C * c.K * c.K).Select(_ => rng.NextUniform(-0.5f, 0.5f)).ToArray();
        var b0 = Enumerable.Range(0, c.O).Select(_ => rng.NextUniform(-0.5f, 0.5f)).ToArray();
        var labels = Enumerable.Range(0, c.N).Select(_ => rng.NextInt(c.O * c.OH * c.OW)).ToArray();

        using var session = Session.Open(device);
        var weight = new Parameter("conv.weight", TensorType.Float(c.O, c.C, c.K, c.K), w0);
        var bias = new Parameter("conv.bias", TensorType.Float(c.O), b0);
        session.Place([weight, bias]);
        var gradFn = Autograd.ValueAndGrad((xs, ys) =>
        {
            var y = Ops.BiasAdd(Ops.Conv2d(xs, weight, c.Stride, c.Stride, c.Pad, c.Pad), bias, axis: 1);
            var logits = Ops.Reshape(y, c.N, c.O * c.OH * c.OW);
            return (Ops.SoftmaxCrossEntropy(logits, ys), logits);
        }, null, [weight, bias], hasAux: true);
        Tensor[] Step(Tensor xs, Tensor ys)
        {
            var ((loss, _), grads) = gradFn(xs, ys);
            return [loss, .. grads];
        }
        var xt = session.ToDevice(new HostTensor([c.N, c.C, c.H, c.W], x));
        var yt = session.ToDevice(new HostTensor([c.N], labels));
        float[][] grads;
        if (compiled)
        {
            using var function = new GraphFunction(session, "conv_step", Step, ["x", "y"], ["loss", "dw", "db"], new CompileOptions());
            grads = function.Call(xt, yt).Skip(1).Select(g => g.ToFloatArray()).ToArray();
        }
        else
        {
            grads = Step(xt, yt).Skip(1).Select(g => g.ToFloatArray()).ToArray();
        }
        session.EndStep();

        var w = w0.Select(v => (double)v).ToArray();
        var b = b0.Select(v => (double)v).ToArray();
        FiniteDifference.AssertGradient(w, grads[0], () => Loss(c, x, w, b, labels), "weight");
        FiniteDifference.AssertGradient(b, grads[1], () => Loss(c, x, w, b, labels), "bias");
    }

    [Fact]
    public void Bad_model_input_is_a_compile_error_naming_the_op_and_shapes()
    {
        using var session = Session.Open(DeviceKind.Cpu);
        var tooLarge = new Parameter("w", TensorType.Float(1, 1, 32, 32), new float[32 * 32]);
        var wrongChannels = new Parameter("v", TensorType.Float(4, 3, 5, 5), new float[4 * 3 * 5 * 5]);
        session.Place([tooLarge, wrongChannels]);
        Tensor[] Kernel(Tensor x, Tensor y) => [Ops.Conv2d(x, tooLarge)];
        Tensor[] Channels(Tensor x, Tensor y) => [Ops.Conv2d(x, wrongChannels)];
        using var first = new GraphFunction(session, "too_large", Kernel, ["x", "y"], ["y"], new CompileOptions());
        var e = Assert.Throws<Trainer.Graph.GraphCompileException>(() => first.Trace(TensorType.Float(1, 1, 5, 5), TensorType.Int(1)));
        Assert.Equal("while tracing too_large: Conv2d[stride=1x1,pad=0x0]: a 32x32 kernel does not fit a 5x5 input padded by 0x0 (inputs: [1,1,5,5] float32, [1,1,32,32] float32)", e.Message);
        using var second = new GraphFunction(session, "channels", Channels, ["x", "y"], ["y"], new CompileOptions());
        e = Assert.Throws<Trainer.Graph.GraphCompileException>(() => second.Trace(TensorType.Float(2, 6, 14, 14), TensorType.Int(2)));
        Assert.Equal("while tracing channels: Conv2d[stride=1x1,pad=0x0]: x has 6 channels but the weight expects 3 (inputs: [2,6,14,14] float32, [4,3,5,5] float32)", e.Message);
    }
}
