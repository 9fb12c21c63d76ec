using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// Assign(target, value): target ← value in place, a device copy (MindSpore's ops.assign). A side
/// effect with no outputs, like an optimizer update: how a cell's non-trainable buffers (running
/// statistics, step counters) change inside a step. Never differentiated.
/// </summary>
internal sealed class AssignOp : OpDefinition
{
    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Assign;

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        if (!inputs[0].Equals(inputs[1])) throw Mismatch(op, inputs, "the value must have the target's shape and dtype");
        return [];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0];

    /// <inheritdoc/>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        DeviceBuffer target = inputs[0], value = inputs[1];
        long bytes = inputTypes[0].ByteCount;
        return new BoundKernel("assign", () => backend.Copy(value, target, bytes));
    }
}
