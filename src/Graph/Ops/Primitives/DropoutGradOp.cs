using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// DropoutGrad(dy, state) = dy·factor with the mask <see cref="DropoutOp"/> drew for that state (the forward op's second
/// output), recomputed from (seed, step, element index). Linear in dy, so its own gradient is itself.
/// </summary>
public sealed class DropoutGradOp : OpDefinition
{
    /// <summary>The one definition every DropoutGrad op carries.</summary>
    public static readonly DropoutGradOp Instance = new();

    private DropoutGradOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "DropoutGrad";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        DropoutOp.ExpectState(op, inputs, 1);
        DropoutOp.ProbabilityOf(op, inputs);
        return [inputs[0]];
    }

    /// <summary>One multiplication per element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        needed[0] ? [b.Apply(op, dOutput, inputs[1]), null] : [null, null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        float p = DropoutOp.ProbabilityOf(op, inputTypes);
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [inputTypes[0].Shape]) { Scalar = p, Attributes = DropoutOp.SliceOf(op) };
        return new BoundKernel(DropoutKeys.DropoutGrad, backend.Kernels.Bind(DropoutKeys.DropoutGrad, call));
    }
}
