using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>How many rows of logits [B,C] have their argmax equal to the int32 label: an int32 scalar.</summary>
internal sealed class CountCorrectOp : OpDefinition
{
    public override OpKind Kind => OpKind.CountCorrect;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        SoftmaxCrossEntropyOp.CheckLogitsAndLabels(op, inputs);
        return [TensorType.Int()];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int rows = inputTypes[0][0], classes = inputTypes[0][1];
        DeviceBuffer logits = inputs[0], labels = inputs[1], count = outputs[0];
        return new BoundKernel("count-correct", backend.Kernels.Bind(KernelKeys.CountCorrect, new KernelCall([logits, labels], [[rows, classes], [rows]], [count], [[]])));
    }
}
