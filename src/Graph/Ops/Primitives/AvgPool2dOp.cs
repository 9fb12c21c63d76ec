using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// Average pooling of float32 [N,C,H,W] over the windows of its <see cref="PoolWindowAttributes"/>: fixed windows with
/// padding, ceil mode and either divisor (MindSpore's <c>ops.avg_pool2d</c>, PyTorch's <c>avg_pool2d</c>), or adaptive
/// windows (<c>ops.adaptive_avg_pool2d</c>; 1×1 is global average pooling). Gradient: <see cref="AvgPool2dGradOp"/>.
/// </summary>
public sealed class AvgPool2dOp : OpDefinition
{
    /// <summary>The one definition every average pooling carries.</summary>
    public static readonly AvgPool2dOp Instance = new();

    private AvgPool2dOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "AvgPool2d";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [TensorType.Float(PoolWindowRule.OutputShape(op, inputs, inputs[0].Shape, what => Mismatch(op, inputs, what)))];
    }

    /// <summary>An add per window element and a division per output.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) =>
        PoolWindowRule.Flops((PoolWindowAttributes)op.Attributes!, inputs[0].Shape, InferTypes(op, inputs)[0].Shape);

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var x = b.TypeOf(inputs[0]);
        var a = (PoolWindowAttributes)op.Attributes!;
        return [needed[0] ? b.Apply(Op.Extension(AvgPool2dGradOp.Instance, a with { InputH = x[2], InputW = x[3] }), dOutput) : null];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var y = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [y.Shape]) { Axes = PoolWindowRule.Axes((PoolWindowAttributes)op.Attributes!) };
        return new BoundKernel(WindowedKeys.AvgPool, backend.Kernels.Bind(WindowedKeys.AvgPool, call));
    }
}
