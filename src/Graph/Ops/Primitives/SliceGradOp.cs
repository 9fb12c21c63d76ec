using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The gradient of <see cref="SliceOp"/>: a float32 tensor of the window's shape written into zeros of the full shape
/// (<see cref="SliceAttributes"/>), a zero padding. Gradient: the window sliced back out.
/// </summary>
public sealed class SliceGradOp : OpDefinition
{
    /// <summary>The one definition every SliceGrad op carries.</summary>
    public static readonly SliceGradOp Instance = new();

    private SliceGradOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "SliceGrad";

    private static SliceAttributes WindowOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        var full = (op.Attributes as SliceAttributes)?.Full ?? throw Mismatch(op, inputs, "has no window");
        var window = SliceOp.WindowOf(op, inputs, full);
        if (!inputs[0].Shape.AsSpan().SequenceEqual(window.Size))
            throw Mismatch(op, inputs, $"input must be the window's shape [{string.Join(",", window.Size)}]");
        return window;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [TensorType.Float(WindowOf(op, inputs).Full)];
    }

    /// <summary>A copy: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        needed[0] ? [b.Apply(Op.Extension(SliceOp.Instance, op.Attributes), dOutput)] : [null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var window = WindowOf(op, inputTypes);
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [window.Full]) { Axes = window.Begin };
        return new BoundKernel(FamilyKeys.SliceGrad, backend.Kernels.Bind(FamilyKeys.SliceGrad, call));
    }
}
