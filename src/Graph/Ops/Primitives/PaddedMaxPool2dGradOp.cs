using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The gradient of <see cref="PaddedMaxPool2dOp"/>: inputs x [N,C,H,W] and dy [N,C,OH,OW], output dx; each input element
/// sums, in output order, the dy of the windows whose first maximum it is (recomputed from x: no stored indices).
/// </summary>
public sealed class PaddedMaxPool2dGradOp : OpDefinition
{
    /// <summary>The one definition every padded max pooling gradient carries.</summary>
    public static readonly PaddedMaxPool2dGradOp Instance = new();

    private PaddedMaxPool2dGradOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "PaddedMaxPool2dGrad";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var x = PoolWindowRule.GradientShape(op, inputs, inputs[1].Shape, what => Mismatch(op, inputs, what));
        if (!inputs[0].Shape.AsSpan().SequenceEqual(x)) throw Mismatch(op, inputs, "x does not have the shape dy pools from");
        return [TensorType.Float(x)];
    }

    /// <summary>Each covering window's maximum recomputed: the forward's comparisons once per window an element falls in.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) =>
        PoolWindowRule.Flops((PoolWindowAttributes)op.Attributes!, inputs[0].Shape, inputs[1].Shape);

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        InferTypes(op, inputTypes);
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [inputTypes[0].Shape])
        {
            Axes = PoolWindowRule.Axes((PoolWindowAttributes)op.Attributes!),
        };
        return new BoundKernel(WindowedKeys.MaxPoolGrad, backend.Kernels.Bind(WindowedKeys.MaxPoolGrad, call));
    }
}
