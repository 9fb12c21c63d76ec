using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Printing;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// Custom ops defined here, outside the libraries: a CPU forward over spans, a gradient in <see cref="Ops"/> or as
/// another custom op's kernel, two outputs; eager and compiled, against float64 and finite differences.
/// </summary>
public sealed class CustomOpTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    /// <summary>y = x·σ(x); the gradient in Ops.</summary>
    private sealed class Swish() : CustomOp("Swish")
    {
        protected override int[][] OutputShapes(IReadOnlyList<int[]> inputShapes) =>
            inputShapes.Count == 1 ? [inputShapes[0]] : throw new ArgumentException($"takes one input, got {inputShapes.Count}");

        protected override void Forward(CustomOpBuffers buffers)
        {
            var x = buffers.Input(0);
            var y = buffers.Output(0);
            for (int i = 0; i < x.Length; i++) y[i] = x[i] / (1f + MathF.Exp(-x[i]));
        }

        protected override Tensor?[] Backward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> dy)
        {
            var s = Ops.Sigmoid(inputs[0]);
            var slope = Ops.Add(s, Ops.Mul(outputs[0], Ops.Add(Ops.Neg(s), 1f))); // σ + y·(1 − σ)
            return [Ops.Mul(dy[0], slope)];
        }
    }

    /// <summary>y = x² with its gradient as a second custom op's CPU kernel (dx = 2·x·dy).</summary>
    private sealed class SquareWithKernelGradient() : CustomOp("SquareK")
    {
        private readonly SquareGradient gradient = new();

        protected override int[][] OutputShapes(IReadOnlyList<int[]> inputShapes) => [inputShapes[0]];

        protected override void Forward(CustomOpBuffers buffers)
        {
            var x = buffers.Input(0);
            var y = buffers.Output(0);
            for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i];
        }

        protected override Tensor?[] Backward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> dy) =>
            [gradient.Call(inputs[0], dy[0])];

        private sealed class SquareGradient() : CustomOp("SquareKGrad")
        {
            protected override int[][] OutputShapes(IReadOnlyList<int[]> inputShapes) => [inputShapes[0]];

            protected override void Forward(CustomOpBuffers buffers)
            {
                var x = buffers.Input(0);
                var dy = buffers.Input(1);
                var dx = buffers.Output(0);
                for (int i = 0; i < x.Length; i++) dx[i] = 2f * x[i] * dy[i];
            }
        }
    }

    /// <summary>Two outputs: (min(a, b), max(a, b)) elementwise, each gradient routed to the operand it came from.</summary>
    private sealed class MinMax() : CustomOp("MinMax")
    {
        protected override int[][] OutputShapes(IReadOnlyList<int[]> s) =>
            s.Count == 2 && s[0].AsSpan().SequenceEqual(s[1]) ? [s[0], s[0]] : throw new ArgumentException("takes two inputs of one shape");

        protected override void Forward(CustomOpBuffers buffers)
        {
            var a = buffers.Input(0);
            var b = buffers.Input(1);
            var lo = buffers.Output(0);
            var hi = buffers.Output(1);
            for (int i = 0; i < a.Length; i++)
            {
                lo[i] = MathF.Min(a[i], b[i]);
                hi[i] = MathF.Max(a[i], b[i]);
            }
        }

        protected override Tensor?[] Backward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> dy)
        {
            // min takes a where a ≤ b: da = dlo·[a ≤ b] + dhi·[a > b]; db gets the rest.
            var aIsLow = Ops.Sub(Ops.Maximum(inputs[1], inputs[0]), inputs[1]); // 0 where a ≤ b, a − b > 0 elsewhere
            var maskHigh = Ops.Div(aIsLow, Ops.Maximum(aIsLow, Ops.Add(Ops.Mul(aIsLow, 0f), 1e-30f))); // 1 where a > b, else 0
            var maskLow = Ops.Add(Ops.Neg(maskHigh), 1f);
            var da = Ops.Add(Ops.Mul(dy[0], maskLow), Ops.Mul(dy[1], maskHigh));
            var db = Ops.Add(Ops.Mul(dy[0], maskHigh), Ops.Mul(dy[1], maskLow));
            return [da, db];
        }
    }

    private static float[] Away(float[] x)
    {
        for (int i = 0; i < x.Length; i++) if (Math.Abs(x[i]) < 1e-3f) x[i] = 0.5f;
        return x;
    }

    [Fact]
    public void A_custom_op_with_its_gradient_in_ops_trains_eager_and_compiled_alike()
    {
        var swish = new Swish();
        foreach (int n in Sizes)
            PrimitiveCheck.Run(sessions.Get(DeviceKind.Cpu), $"swish{n}", p => swish.Call(p[0]), [[n]], [PrimitiveCheck.Uniform(n, n, -3f, 3f)], [n],
                p => p[0].Select(x => x / (1 + Math.Exp(-x))).ToArray());
    }

    [Fact]
    public void A_gradient_can_be_its_own_cpu_kernel()
    {
        var square = new SquareWithKernelGradient();
        foreach (int n in Sizes)
            PrimitiveCheck.Run(sessions.Get(DeviceKind.Cpu), $"squarek{n}", p => square.Call(p[0]), [[n]], [PrimitiveCheck.Uniform(n + 1, n, -2f, 2f)], [n],
                p => p[0].Select(x => x * x).ToArray());
    }

    [Fact]
    public void Autodiff_carries_one_gradient_per_output_of_a_two_output_op()
    {
        var minMax = new MinMax();
        foreach (int n in Sizes)
        {
            var a = PrimitiveCheck.Uniform(n + 2, n, -2f, 2f);
            var b = PrimitiveCheck.Uniform(n + 3, n, -2f, 2f);
            var session = sessions.Get(DeviceKind.Cpu);
            PrimitiveCheck.Run(session, $"minmax{n}", p =>
            {
                var outputs = minMax.Apply(p[0], p[1]);
                return Ops.Add(Ops.Mul(outputs[0], 2f), outputs[1]);
            }, [[n], [n]], [a, b], [n], p => p[0].Zip(p[1], (x, y) => 2 * Math.Min(x, y) + Math.Max(x, y)).ToArray());
            // Only the second output used: the first gets a zero gradient.
            PrimitiveCheck.Run(session, $"max-only{n}", p => minMax.Apply(p[0], p[1])[1], [[n], [n]], [a, b], [n],
                p => p[0].Zip(p[1], Math.Max).ToArray());
        }
    }

    [Fact]
    public void It_prints_by_name_in_the_graph_and_launches_through_the_table()
    {
        var swish = new Swish();
        var session = sessions.Get(DeviceKind.Cpu);
        using var function = new GraphFunction(session, "step", (x, y) => [Ops.Add(swish.Call(x), y)], ["x", "y"], ["out"], new CompileOptions());
        string text = GraphPrinter.Print(function.Program(TensorType.Float(2, 3), TensorType.Float(2, 3)).Graph);
        Assert.Contains(" = Swish(%", text);

        var x = session.ToDevice(new HostTensor([7], PrimitiveCheck.Uniform(9, 7, -1f, 1f)));
        long before = session.Backend.LaunchCount;
        swish.Call(x);
        Assert.Equal(before + 1, session.Backend.LaunchCount);
        Assert.Contains(session.Backend.Kernels.Keys, k => k.StartsWith("custom.Swish.", StringComparison.Ordinal));
        session.EndStep();
    }

    [Fact]
    public void On_an_ilgpu_device_it_is_a_one_line_error_naming_the_op_and_the_device()
    {
        var session = sessions.Get(DeviceKind.IlgpuCpu);
        var x = session.ToDevice(new HostTensor([7], new float[7]));
        var e = Assert.Throws<NotSupportedException>(() => new Swish().Call(x));
        Assert.StartsWith("custom op Swish has a forward for the native CPU backend only; ilgpu-cpu", e.Message);
        Assert.Contains("--device cpu", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        session.EndStep();
    }

    [Fact]
    public void Inputs_that_do_not_fit_are_one_line_naming_the_op_and_every_shape()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var a = session.ToDevice(new HostTensor([3], new float[3]));
        var b = session.ToDevice(new HostTensor([4], new float[4]));
        var e = Assert.Throws<OpShapeException>(() => new MinMax().Apply(a, b));
        Assert.Equal("MinMax: takes two inputs of one shape (inputs: [3] float32, [4] float32)", e.Message);
        session.EndStep();
    }
}
