using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// One or more float32 tensors joined along one axis (<see cref="AxisAttributes"/>): MindSpore's <c>ops.concat</c>. Every
/// input has the output's rank and its size along every other axis. One <c>place</c> launch per input writes it into
/// its window of the output. Gradient: each input's window of dy, sliced out (<see cref="SliceOp"/>).
/// </summary>
public sealed class ConcatOp : OpDefinition
{
    /// <summary>The one definition every Concat op carries.</summary>
    public static readonly ConcatOp Instance = new();

    private ConcatOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "Concat";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count < 1) throw Mismatch(op, inputs, "expected at least 1 input, got none");
        for (int i = 0; i < inputs.Count; i++) ExpectFloat(op, inputs, i);
        int axis = (op.Attributes as AxisAttributes)?.Axis ?? throw Mismatch(op, inputs, "has no axis");
        int rank = inputs[0].Rank;
        if (axis < 0 || axis >= rank) throw Mismatch(op, inputs, $"axis {axis} is outside rank {rank}");
        if (rank > WindowGeometry.MaxRank) throw Mismatch(op, inputs, $"the kernels take at most {WindowGeometry.MaxRank} axes");
        var shape = inputs[0].Shape.ToArray();
        long joined = 0;
        foreach (var input in inputs)
        {
            if (input.Rank != rank || Enumerable.Range(0, rank).Any(k => k != axis && input.Shape[k] != shape[k]))
                throw Mismatch(op, inputs, $"shapes differ off axis {axis}");
            joined += input.Shape[axis];
        }
        if (joined > int.MaxValue) throw Mismatch(op, inputs, $"{joined} elements along axis {axis} is too many");
        shape[axis] = (int)joined;
        return [TensorType.Float(shape)];
    }

    /// <summary>A copy: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <summary>Where input <paramref name="index"/> begins along each axis of the output.</summary>
    private static int[] BeginOf(IReadOnlyList<TensorType> inputs, int axis, int index)
    {
        var begin = new int[inputs[0].Rank];
        for (int i = 0; i < index; i++) begin[axis] += inputs[i].Shape[axis];
        return begin;
    }

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var types = inputs.Select(b.TypeOf).ToArray();
        var full = InferTypes(op, types)[0].Shape;
        int axis = ((AxisAttributes)op.Attributes!).Axis;
        var grads = new T?[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
            if (needed[i])
                grads[i] = b.Apply(Op.Extension(SliceOp.Instance, new SliceAttributes(BeginOf(types, axis, i), types[i].Shape.ToArray(), full.ToArray())), dOutput);
        return grads;
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var full = InferTypes(op, inputTypes)[0].Shape;
        int axis = ((AxisAttributes)op.Attributes!).Axis;
        var launches = new Action[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var call = new KernelCall([inputs[i]], [inputTypes[i].Shape], outputs, [full]) { Axes = BeginOf(inputTypes, axis, i) };
            launches[i] = backend.Kernels.Bind(FamilyKeys.Place, call);
        }
        return new BoundKernel(FamilyKeys.Place, () =>
        {
            foreach (var launch in launches) launch();
        });
    }
}
