using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// int32 indices [N] to float32 [N, depth] rows (<see cref="OneHotAttributes"/>): the on value at column indices[r] of row
/// r, the off value elsewhere; an index outside 0..depth-1 gives a row of off values (MindSpore's <c>ops.one_hot</c>). A
/// fill with the off value, then the <c>one_hot</c> kernel. No gradient: the indices are integers.
/// </summary>
public sealed class OneHotOp : OpDefinition
{
    /// <summary>The one definition every OneHot op carries.</summary>
    public static readonly OneHotOp Instance = new();

    private OneHotOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "OneHot";

    private static OneHotAttributes EncodingOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        var encoding = op.Attributes as OneHotAttributes ?? throw Mismatch(op, inputs, "has no depth");
        if (encoding.Depth < 1) throw Mismatch(op, inputs, $"depth {encoding.Depth} must be at least 1");
        return encoding;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        if (inputs[0].DType != DType.Int32 || inputs[0].Rank != 1) throw Mismatch(op, inputs, "input must be int32 [N]");
        var encoding = EncodingOf(op, inputs);
        if ((long)inputs[0].Shape[0] * encoding.Depth > int.MaxValue)
            throw Mismatch(op, inputs, $"{inputs[0].Shape[0]} rows of depth {encoding.Depth} is too many elements");
        return [TensorType.Float(inputs[0].Shape[0], encoding.Depth)];
    }

    /// <summary>A copy of constants: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <summary>None: the indices are integers.</summary>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [null];

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var output = InferTypes(op, inputTypes)[0];
        var encoding = EncodingOf(op, inputTypes);
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [output.Shape]) { Scalar = encoding.On };
        var place = backend.Kernels.Bind(FamilyKeys.OneHot, call);
        int count = checked((int)output.ElementCount);
        var fill = backend.Kernels.Bind(KernelKeys.Fill, new KernelCall([], [], [outputs[0]], [[count]]) { Scalar = encoding.Off });
        return new BoundKernel(FamilyKeys.OneHot, () =>
        {
            fill();
            place();
        });
    }
}
