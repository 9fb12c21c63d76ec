using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// Max pooling of float32 [N,C,H,W] with padding and ceil mode (<see cref="PoolWindowAttributes"/>): each output is the
/// first maximum in row-major order of its window clamped into the input, so a padded position never wins. The layer
/// chooses it only where the tuned MaxPool2d (no padding, floor mode) does not apply. Gradient:
/// <see cref="PaddedMaxPool2dGradOp"/>, which recomputes each window's first maximum from x.
/// </summary>
public sealed class PaddedMaxPool2dOp : OpDefinition
{
    /// <summary>The one definition every padded max pooling carries.</summary>
    public static readonly PaddedMaxPool2dOp Instance = new();

    private PaddedMaxPool2dOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "PaddedMaxPool2d";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        if (op.Attributes is PoolWindowAttributes { Adaptive: true }) throw Mismatch(op, inputs, "max pooling takes a fixed window");
        return [TensorType.Float(PoolWindowRule.OutputShape(op, inputs, inputs[0].Shape, what => Mismatch(op, inputs, what)))];
    }

    /// <summary>A comparison per window element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) =>
        PoolWindowRule.Flops((PoolWindowAttributes)op.Attributes!, inputs[0].Shape, InferTypes(op, inputs)[0].Shape);

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var x = b.TypeOf(inputs[0]);
        var a = (PoolWindowAttributes)op.Attributes!;
        return [needed[0] ? b.Apply(Op.Extension(PaddedMaxPool2dGradOp.Instance, a with { InputH = x[2], InputW = x[3] }), inputs[0], dOutput) : null];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var y = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [y.Shape]) { Axes = PoolWindowRule.Axes((PoolWindowAttributes)op.Attributes!) };
        return new BoundKernel(WindowedKeys.MaxPool, backend.Kernels.Bind(WindowedKeys.MaxPool, call));
    }
}
