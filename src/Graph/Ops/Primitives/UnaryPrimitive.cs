using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// An elementwise map y = f(x) of float32 tensors, launched as the unary family's kernel for its functor
/// (<c>unary.{functor}</c> in the backend's <see cref="KernelTable"/>); a subclass names the functor and gives the gradient.
/// </summary>
public abstract class UnaryPrimitive : OpDefinition
{
    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <summary>The functor's name (<c>exp</c>): its kernel is <c>unary.</c> followed by it.</summary>
    protected abstract string Functor { get; }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [inputs[0]];
    }

    /// <summary>One operation per element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        string key = FamilyKeys.Unary(Functor);
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [inputTypes[0].Shape])
        {
            Scalar = (op.Attributes as ScalarAttributes)?.Value ?? 0f,
        };
        return new BoundKernel(key, backend.Kernels.Bind(key, call));
    }
}
