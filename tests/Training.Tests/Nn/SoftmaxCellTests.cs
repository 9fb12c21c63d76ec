using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Execution;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Nn;

/// <summary>
/// The Softmax and LogSoftmax cells against a float64 loop along each axis (logits large enough that an unshifted
/// exponential would overflow), eager equal to compiled bit for bit on every test backend, and the gradient of
/// Σ w·cell(x) against the float64 closed form.
/// </summary>
public sealed class SoftmaxCellTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    public static TheoryData<DeviceKind, int[], int, bool> Cases()
    {
        var data = new TheoryData<DeviceKind, int[], int, bool>();
        (int[] Shape, int Axis)[] cases = [([1, 1], -1), ([7, 10], -1), ([3, 65], 1), ([257, 3], 0), ([2, 7, 63], -2), ([2, 3, 4], 0)];
        foreach (var device in TestDevices.All)
            foreach (var (shape, axis) in cases)
            {
                data.Add(device, shape, axis, false);
                data.Add(device, shape, axis, true);
            }
        return data;
    }

    /// <summary>loss = Σ w·cell(x) and its gradient with respect to x.</summary>
    private sealed class Probe : Cell
    {
        public Probe(string name, float[] x, int[] shape, Cell cell)
        {
            X = RegisterParameter("x", new Parameter(name + ".x", new Shape(shape), x));
            Inner = Register("cell", cell);
        }

        public Parameter X { get; }
        public Cell Inner { get; }

        public Tensor[] Step(Tensor w)
        {
            var y = Inner.Call(X);
            var (_, grads) = Autograd.ValueAndGrad(wt => Ops.ReduceSum(Ops.Mul(Inner.Call(X), wt)), null, [X])(w);
            return [y, grads[0]];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_float64_eager_equals_compiled(DeviceKind device, int[] shape, int axis, bool log)
    {
        var session = sessions.Get(device);
        int count = PrimitiveCheck.Count(shape);
        var x = PrimitiveCheck.Uniform(count + 11, count, -30f, 90f);
        var w = PrimitiveCheck.Uniform(count + 5, count, -1f, 1f);
        Cell Make() => log ? new LogSoftmax(axis) : new Softmax(axis);
        Assert.Equal($"{(log ? "LogSoftmax" : "Softmax")}<axis={axis}>", Make().ToString());

        string name = $"softmax{device}{log}{axis}{string.Join('x', shape)}";
        var graphProbe = new Probe(name + "g", x, shape, Make());
        var eagerProbe = new Probe(name + "e", x, shape, Make());
        session.Place(graphProbe);
        session.Place(eagerProbe);
        float[][] compiled, eager;
        using (var function = new GraphFunction(session, name, xs => graphProbe.Step(xs[0]), ["w"], ["y", "dx"], new CompileOptions()))
            compiled = function.Call(session.ToDevice(new HostTensor(shape, w))).Select(t => t.ToFloatArray()).ToArray();
        using (session.Scope())
            eager = eagerProbe.Step(session.ToDevice(new HostTensor(shape, w))).Select(t => t.ToFloatArray()).ToArray();
        Assert.Equal(eager[0], compiled[0]);
        Assert.Equal(eager[1], compiled[1]);

        var (expectedY, expectedDx) = Reference(x, w, shape, axis, log);
        for (int i = 0; i < count; i++)
        {
            Assert.True(Math.Abs(compiled[0][i] - expectedY[i]) <= 2e-6 * (1 + Math.Abs(expectedY[i])), $"{name} y[{i}] {compiled[0][i]}, float64 {expectedY[i]}");
            Assert.True(Math.Abs(compiled[1][i] - expectedDx[i]) <= 2e-5 * (1 + Math.Abs(expectedDx[i])), $"{name} dx[{i}] {compiled[1][i]}, float64 {expectedDx[i]}");
        }
    }

    /// <summary>
    /// float64 softmax or log-softmax along <paramref name="axis"/>, and the gradient of Σ w·y: for softmax
    /// dx = s ⊙ (w − Σ w s), for log-softmax dx = w − s Σ w, sums along the axis.
    /// </summary>
    private static (double[] Y, double[] Dx) Reference(float[] x, float[] w, int[] shape, int axis, bool log)
    {
        int a = axis < 0 ? axis + shape.Length : axis;
        int outer = shape[..a].Aggregate(1, (p, d) => p * d), n = shape[a], inner = shape[(a + 1)..].Aggregate(1, (p, d) => p * d);
        var y = new double[x.Length];
        var dx = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < inner; k++)
            {
                int At(int j) => (o * n + j) * inner + k;
                double max = double.NegativeInfinity, sum = 0, ws = 0, w1 = 0;
                for (int j = 0; j < n; j++) max = Math.Max(max, x[At(j)]);
                for (int j = 0; j < n; j++) sum += Math.Exp(x[At(j)] - max);
                for (int j = 0; j < n; j++)
                {
                    double s = Math.Exp(x[At(j)] - max) / sum;
                    ws += w[At(j)] * s;
                    w1 += w[At(j)];
                }
                for (int j = 0; j < n; j++)
                {
                    double s = Math.Exp(x[At(j)] - max) / sum;
                    y[At(j)] = log ? x[At(j)] - max - Math.Log(sum) : s;
                    dx[At(j)] = log ? w[At(j)] - s * w1 : s * (w[At(j)] - ws);
                }
            }
        return (y, dx);
    }
}
