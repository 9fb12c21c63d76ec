using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Execution;

/// <summary>
/// A bias over the channel axis of an NCHW tensor, differentiated eagerly and compiled, against
/// central differences of a float64 implementation of the same loss:
/// mean softmax cross-entropy of reshape(x + b[c], [N, C·H·W]).
/// </summary>
public sealed class ChannelBiasGradientTests
{
    private const int N = 2, C = 3, H = 4, W = 5;

    private static (float[] X, float[] B, int[] Labels) Data()
    {
        var rng = new SeededRandom(17);
        var x = Enumerable.Range(0, N * C * H * W).Select(_ => rng.NextUniform(-2f, 2f)).ToArray();
        var b = Enumerable.Range(0, C).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
        var labels = Enumerable.Range(0, N).Select(_ => rng.NextInt(C * H * W)).ToArray();
        return (x, b, labels);
    }

    private static double Loss(float[] x, double[] b, int[] labels)
    {
        int k = C * H * W;
        double total = 0;
        for (int n = 0; n < N; n++)
        {
            var logits = new double[k];
            for (int j = 0; j < k; j++) logits[j] = x[n * k + j] + b[j / (H * W)];
            double max = logits.Max();
            double sum = logits.Sum(v => Math.Exp(v - max));
            total += Math.Log(sum) + max - logits[labels[n]];
        }
        return total / N;
    }

    public static TheoryData<DeviceKind, bool> Cases()
    {
        var data = new TheoryData<DeviceKind, bool>();
        foreach (var device in TestDevices.All)
        {
            data.Add(device, false);
            data.Add(device, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bias_gradient_matches_finite_differences_eager_and_compiled(DeviceKind device, bool compiled)
    {
        var (x, b, labels) = Data();
        using var session = Session.Open(device);
        var bias = new Parameter("conv.bias", TensorType.Float(C), b);
        session.Place([bias]);
        var gradFn = Autograd.ValueAndGrad((xs, ys) =>
        {
            var y = Ops.BiasAdd(xs, bias, axis: 1);
            var logits = Ops.Reshape(y, N, C * H * W);
            return (Ops.SoftmaxCrossEntropy(logits, ys), logits);
        }, null, [bias], hasAux: true);
        Tensor[] Step(Tensor xs, Tensor ys)
        {
            var ((loss, _), grads) = gradFn(xs, ys);
            return [loss, grads[0]];
        }
        var xt = session.ToDevice(new HostTensor([N, C, H, W], x));
        var yt = session.ToDevice(new HostTensor([N], labels));
        float[] grad;
        if (compiled)
        {
            using var function = new GraphFunction(session, "channel_bias", Step, ["x", "y"], ["loss", "grad"], new CompileOptions());
            grad = function.Call(xt, yt)[1].ToFloatArray();
        }
        else
        {
            grad = Step(xt, yt)[1].ToFloatArray();
        }
        session.EndStep();

        var bd = b.Select(v => (double)v).ToArray();
        FiniteDifference.AssertGradient(bd, grad, () => Loss(x, bd, labels), "channel bias");
    }
}
