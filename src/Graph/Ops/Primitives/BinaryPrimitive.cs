using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// An elementwise op of two float32 tensors broadcast NumPy's way, launched as the binary family's kernel for
/// its functor (<c>binary.{functor}</c>); a subclass names the functor and gives the gradient, whose results
/// <see cref="PrimitiveBuilder.SumTo"/> sums back over the axes each operand was broadcast along.
/// </summary>
public abstract class BinaryPrimitive : OpDefinition
{
    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <summary>The functor's name (<c>mul</c>): its kernel is <c>binary.</c> followed by it.</summary>
    protected abstract string Functor { get; }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var shape = BroadcastShapes.Of(inputs[0].Shape, inputs[1].Shape)
            ?? throw Mismatch(op, inputs, $"shapes {inputs[0].ShapeText} and {inputs[1].ShapeText} do not broadcast");
        return [TensorType.Float(shape)];
    }

    /// <summary>One operation per output element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => InferTypes(op, inputs)[0].ElementCount;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        string key = FamilyKeys.Binary(Functor);
        var output = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [output.Shape]);
        return new BoundKernel(key, backend.Kernels.Bind(key, call));
    }
}
