using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The index (int32) of the first largest element along one axis (<see cref="AxisAttributes"/>), which the output
/// drops. No gradient: an index is not differentiable.
/// </summary>
public sealed class ArgMaxOp : OpDefinition
{
    /// <summary>The one definition every ArgMax op carries.</summary>
    public static readonly ArgMaxOp Instance = new();

    private ArgMaxOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "ArgMax";

    private int AxisOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        int axis = (op.Attributes as AxisAttributes)?.Axis ?? throw Mismatch(op, inputs, "has no axis");
        if (axis < 0 || axis >= inputs[0].Rank) throw Mismatch(op, inputs, $"axis {axis} is outside rank {inputs[0].Rank}");
        if (inputs[0].Shape[axis] == 0) throw Mismatch(op, inputs, $"axis {axis} is empty");
        return axis;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        int axis = AxisOf(op, inputs);
        return [TensorType.Int(inputs[0].Shape.Where((_, i) => i != axis).ToArray())];
    }

    /// <summary>One comparison per input element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var output = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [output.Shape]) { Axes = [AxisOf(op, inputTypes)] };
        return new BoundKernel(FamilyKeys.ArgMax, backend.Kernels.Bind(FamilyKeys.ArgMax, call));
    }
}
