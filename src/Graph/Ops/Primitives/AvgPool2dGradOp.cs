using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The gradient of <see cref="AvgPool2dOp"/>: dy [N,C,OH,OW] to dx [N,C,H,W], each input element the sum, over the windows
/// that hold it in output order, of dy divided by that window's divisor. H×W come from the attributes.
/// </summary>
public sealed class AvgPool2dGradOp : OpDefinition
{
    /// <summary>The one definition every average pooling gradient carries.</summary>
    public static readonly AvgPool2dGradOp Instance = new();

    private AvgPool2dGradOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "AvgPool2dGrad";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [TensorType.Float(PoolWindowRule.GradientShape(op, inputs, inputs[0].Shape, what => Mismatch(op, inputs, what)))];
    }

    /// <summary>As many operations as the forward pooling.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) =>
        PoolWindowRule.Flops((PoolWindowAttributes)op.Attributes!, InferTypes(op, inputs)[0].Shape, inputs[0].Shape);

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var dx = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [dx.Shape]) { Axes = PoolWindowRule.Axes((PoolWindowAttributes)op.Attributes!) };
        return new BoundKernel(WindowedKeys.AvgPoolGrad, backend.Kernels.Bind(WindowedKeys.AvgPoolGrad, call));
    }
}
