using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// x broadcast to a shape (<see cref="ShapeAttributes"/>), copied: the binary family's <c>first</c> kernel with x as
/// both operands and the target as the output's shape. Gradient: dy summed back to x's shape.
/// </summary>
public sealed class BroadcastToOp : OpDefinition
{
    /// <summary>The one definition every BroadcastTo op carries.</summary>
    public static readonly BroadcastToOp Instance = new();

    private BroadcastToOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "BroadcastTo";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        var target = (op.Attributes as ShapeAttributes)?.Shape ?? throw Mismatch(op, inputs, "has no target shape");
        if (!BroadcastShapes.Fits(inputs[0].Shape, target))
            throw Mismatch(op, inputs, $"{inputs[0].ShapeText} does not broadcast to [{string.Join(",", target)}]");
        return [TensorType.Float(target)];
    }

    /// <summary>A copy: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.SumTo(dOutput, b.TypeOf(inputs[0]).Shape) : null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        string key = FamilyKeys.Binary("first");
        var shape = inputTypes[0].Shape;
        var call = new KernelCall([inputs[0], inputs[0]], [shape, shape], outputs, [((ShapeAttributes)op.Attributes!).Shape]);
        return new BoundKernel(key, backend.Kernels.Bind(key, call));
    }
}
