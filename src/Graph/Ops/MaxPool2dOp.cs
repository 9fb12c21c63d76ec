using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// MaxPool2d(x [N,C,H,W]) → [N,C,OH,OW] with the window and stride of its
/// <see cref="Pool2dAttributes"/>. Gradient: dx = MaxPool2dBackward(x, dy), which recomputes the
/// argmax of each window from x (the documented recompute: no second output with indices).
/// </summary>
internal sealed class MaxPool2dOp : OpDefinition
{
    public override OpKind Kind => OpKind.MaxPool2d;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        var s = ShapeOf(op, inputs, inputs[0]);
        return [TensorType.Float(s.N, s.C, s.OH, s.OW)];
    }

    /// <summary>KH·KW − 1 comparisons per output element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var s = ShapeOf(op, inputs, inputs[0]);
        return s.OutputCount * (s.KH * s.KW - 1);
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? b.Apply(new Op { Kind = OpKind.MaxPool2dBackward, Attributes = op.Attributes }, inputs[0], dOutput) : null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var s = ShapeOf(op, inputTypes, inputTypes[0]);
        DeviceBuffer x = inputs[0], y = outputs[0];
        return new BoundKernel("max-pool2d", backend.Kernels.Bind(KernelKeys.MaxPool2d, new KernelCall([x], [], [y], []) { Attributes = new PoolingAttributes(s) }));
    }

    /// <summary>The kernel shape for input <paramref name="x"/>, or an error naming the op and the inputs.</summary>
    internal static Pool2dShape ShapeOf(Op op, IReadOnlyList<TensorType> inputs, TensorType x)
    {
        if (op.Attributes is not Pool2dAttributes a) throw Mismatch(op, inputs, "missing window and stride");
        if (x.Rank != 4) throw Mismatch(op, inputs, "expected x [N,C,H,W]");
        if (a.KernelH <= 0 || a.KernelW <= 0 || a.StrideH <= 0 || a.StrideW <= 0) throw Mismatch(op, inputs, "window and stride must be positive");
        if (x[2] < a.KernelH || x[3] < a.KernelW) throw Mismatch(op, inputs, $"a {a.KernelH}x{a.KernelW} window does not fit a {x[2]}x{x[3]} input");
        return new Pool2dShape(x[0], x[1], x[2], x[3], a.KernelH, a.KernelW, a.StrideH, a.StrideW);
    }
}
