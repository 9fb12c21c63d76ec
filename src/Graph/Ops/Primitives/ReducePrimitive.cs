using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// A reduction of a float32 tensor over axes (<see cref="ReduceAttributes"/>), launched as the reduction
/// family's kernel for its functor (<c>reduce.{functor}</c>): each output one fold in row-major order.
/// </summary>
public abstract class ReducePrimitive : OpDefinition
{
    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <summary>The functor's name (<c>sum</c>): its kernel is <c>reduce.</c> followed by it.</summary>
    protected abstract string Functor { get; }

    /// <summary>The attributes of <paramref name="op"/>, checked against the input's rank.</summary>
    protected ReduceAttributes AxesOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (op.Attributes is not ReduceAttributes a) throw Mismatch(op, inputs, "has no axes");
        int rank = inputs[0].Rank;
        for (int i = 0; i < a.Axes.Length; i++)
            if (a.Axes[i] < 0 || a.Axes[i] >= rank || (i > 0 && a.Axes[i] <= a.Axes[i - 1]))
                throw Mismatch(op, inputs, $"axes ({string.Join(",", a.Axes)}) must be distinct, sorted and within rank {rank}");
        return a;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        var a = AxesOf(op, inputs);
        var shape = a.KeepDims
            ? PrimitiveBuilder.KeptShape(inputs[0].Shape, a.Axes)
            : inputs[0].Shape.Where((_, i) => !a.Axes.Contains(i)).ToArray();
        return [TensorType.Float(shape)];
    }

    /// <summary>One operation per input element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        string key = FamilyKeys.Reduce(Functor);
        var output = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [output.Shape]) { Axes = AxesOf(op, inputTypes).Axes };
        return new BoundKernel(key, backend.Kernels.Bind(key, call));
    }
}
