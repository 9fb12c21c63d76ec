using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The axes of a float32 tensor permuted (<see cref="PermuteAttributes"/>), copied: a transpose. The kernel walks
/// the output with the input's strides permuted, neighbouring axes that stay contiguous merged. Gradient: dy
/// permuted back by the inverse permutation.
/// </summary>
public sealed class PermuteOp : OpDefinition
{
    /// <summary>The one definition every Permute op carries.</summary>
    public static readonly PermuteOp Instance = new();

    private PermuteOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "Permute";

    private int[] AxesOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        var axes = (op.Attributes as PermuteAttributes)?.Axes ?? throw Mismatch(op, inputs, "has no axes");
        if (axes.Length != inputs[0].Rank || !axes.Order().SequenceEqual(Enumerable.Range(0, axes.Length)))
            throw Mismatch(op, inputs, $"({string.Join(",", axes)}) is not a permutation of the {inputs[0].Rank} axes");
        return axes;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [TensorType.Float(AxesOf(op, inputs).Select(a => inputs[0].Shape[a]).ToArray())];
    }

    /// <summary>A copy: no arithmetic.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        if (!needed[0]) return [null];
        var axes = ((PermuteAttributes)op.Attributes!).Axes;
        var inverse = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) inverse[axes[i]] = i;
        return [b.Apply(Op.Extension(Instance, new PermuteAttributes(inverse)), dOutput)];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var output = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape], outputs, [output.Shape]) { Axes = AxesOf(op, inputTypes) };
        return new BoundKernel(FamilyKeys.Permute, backend.Kernels.Bind(FamilyKeys.Permute, call));
    }
}
