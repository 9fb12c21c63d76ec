using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// Dropout(x, state) → (y, next): y = x·factor, each element kept with probability 1 − p and scaled by 1/(1−p), the
/// mask drawn by Philox4x32-10 from (seed, step, element index) (<see cref="DropoutMask"/>; the index counted from
/// <see cref="DropoutAttributes.FirstElement"/>, see <see cref="DropoutSlice"/>) at the step after the
/// state's; next is that state (same seed, step plus one), which the caller assigns back to its buffer and the
/// gradient reads. Gradient: <see cref="DropoutGradOp"/>, the same mask recomputed from next, nothing stored.
/// </summary>
public sealed class DropoutOp : OpDefinition
{
    /// <summary>The one definition every Dropout op carries.</summary>
    public static readonly DropoutOp Instance = new();

    private DropoutOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "Dropout";

    /// <summary>The probability, checked to lie in [0, 1); shared with <see cref="DropoutGradOp"/>.</summary>
    internal static float ProbabilityOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        var attributes = op.Attributes as DropoutAttributes ?? throw Mismatch(op, inputs, "has no probability");
        if (!(attributes.P >= 0f && attributes.P < 1f)) throw Mismatch(op, inputs, $"p {attributes.P:R} must be in [0, 1)");
        if (attributes.FirstElement < 0) throw Mismatch(op, inputs, $"the first element {attributes.FirstElement} must be at least 0");
        return attributes.P;
    }

    /// <summary>The kernels' <see cref="KernelCall.Attributes"/>: where the tensor sits in the whole, none for a whole tensor (shared with <see cref="DropoutGradOp"/>).</summary>
    internal static DropoutSlice? SliceOf(Op op) =>
        op.Attributes is DropoutAttributes { FirstElement: > 0 } attributes ? new DropoutSlice(attributes.FirstElement) : null;

    /// <summary>Input <paramref name="index"/> must be a dropout state, float32 [<see cref="DropoutMask.StateLength"/>].</summary>
    internal static void ExpectState(Op op, IReadOnlyList<TensorType> inputs, int index)
    {
        if (inputs[index].DType != DType.Float32 || !inputs[index].Shape.AsSpan().SequenceEqual([DropoutMask.StateLength]))
            throw Mismatch(op, inputs, $"input {index} must be the dropout state, float32 [{DropoutMask.StateLength}]");
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectState(op, inputs, 1);
        ProbabilityOf(op, inputs);
        return [inputs[0], inputs[1]];
    }

    /// <summary>One multiplication per element (the generator's integer work is not counted).</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, IReadOnlyList<T> outputs, IReadOnlyList<T> dOutputs,
        IReadOnlyList<bool> needed) where T : class =>
        needed[0] ? [b.Apply(Op.Extension(DropoutGradOp.Instance, op.Attributes), dOutputs[0], outputs[1]), null] : [null, null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        float p = ProbabilityOf(op, inputTypes);
        var shapes = new[] { inputTypes[0].Shape, inputTypes[1].Shape };
        var call = new KernelCall(inputs, shapes, outputs, shapes) { Scalar = p, Attributes = SliceOf(op) };
        return new BoundKernel(DropoutKeys.Dropout, backend.Kernels.Bind(DropoutKeys.Dropout, call));
    }
}
