using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// A window of a float32 tensor (<see cref="SliceAttributes"/>) copied out: MindSpore's <c>ops.slice</c>. Gradient: dy
/// written into zeros of the input's shape (<see cref="SliceGradOp"/>).
/// </summary>
public sealed class SliceOp : OpDefinition
{
    /// <summary>The one definition every Slice op carries.</summary>
    public static readonly SliceOp Instance = new();

    private SliceOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "Slice";

    /// <summary>The window, checked against the full shape <paramref name="full"/>; shared with <see cref="SliceGradOp"/>.</summary>
    internal static SliceAttributes WindowOf(Op op, IReadOnlyList<TensorType> inputs, int[] full)
    {
        var window = op.Attributes as SliceAttributes ?? throw Mismatch(op, inputs, "has no window");
        if (window.Begin.Length != full.Length || window.Size.Length != full.Length || !window.Full.AsSpan().SequenceEqual(full))
            throw Mismatch(op, inputs, $"begin ({string.Join(",", window.Begin)}) size ({string.Join(",", window.Size)}) do not fit [{string.Join(",", full)}]");
        if (full.Length > WindowGeometry.MaxRank)
            throw Mismatch(op, inputs, $"the kernels take at most {WindowGeometry.MaxRank} axes");
        for (int k = 0; k < full.Length; k++)
            if (window.Begin[k] < 0 || window.Size[k] < 1 || (long)window.Begin[k] + window.Size[k] > full[k])
                throw Mismatch(op, inputs, $"axis {k}: begin {window.Begin[k]} size {window.Size[k]} is not inside 0..{full[k]}");
        return window;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [TensorType.Float(WindowOf(op, inputs, inputs[0].Shape).Size)];
    }

    /// <summary>A copy: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        needed[0] ? [b.Apply(Op.Extension(SliceGradOp.Instance, op.Attributes), dOutput)] : [null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var window = WindowOf(op, inputTypes, inputTypes[0].Shape);
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [window.Size]) { Axes = window.Begin };
        return new BoundKernel(FamilyKeys.Slice, backend.Kernels.Bind(FamilyKeys.Slice, call));
    }
}
