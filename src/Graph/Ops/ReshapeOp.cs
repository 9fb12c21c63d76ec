using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// The same elements seen with another shape (Flatten is a Reshape). Row-major data needs no copy,
/// so this is an alias: no kernel, no buffer. One dimension may be -1 (inferred).
/// </summary>
internal sealed class ReshapeOp : OpDefinition
{
    public override OpKind Kind => OpKind.Reshape;

    public override bool IsAlias => true;

    public override int Launches => 0;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        var target = op.Shape ?? throw Mismatch(op, inputs, "no target shape");
        long known = 1;
        int inferred = -1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1 && inferred < 0) inferred = i;
            else if (target[i] < 0) throw Mismatch(op, inputs, "target dimensions must be >= 0, with at most one -1");
            else known *= target[i];
        }
        var shape = target.ToArray();
        long total = inputs[0].ElementCount;
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0) throw Mismatch(op, inputs, $"cannot infer -1 for {total} elements");
            shape[inferred] = (int)(total / known);
        }
        else if (known != total)
        {
            throw Mismatch(op, inputs, $"{total} elements do not fit [{string.Join(",", target)}]");
        }
        return [new TensorType(shape, inputs[0].DType)];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? b.Apply(Op.Reshape(b.TypeOf(inputs[0]).Shape), dOutput) : null];

    public override BoundKernel? Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace) => null;
}
