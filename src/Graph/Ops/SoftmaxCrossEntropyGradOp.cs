using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>dlogits = (softmax(logits) − onehot(labels)) · dloss / B, with dloss a scalar tensor.</summary>
internal sealed class SoftmaxCrossEntropyGradOp : OpDefinition
{
    public override OpKind Kind => OpKind.SoftmaxCrossEntropyGrad;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 3);
        SoftmaxCrossEntropyOp.CheckLogitsAndLabels(op, inputs);
        if (inputs[2].ElementCount != 1 || inputs[2].DType != DType.Float32)
            throw Mismatch(op, inputs, "dloss must be a float32 scalar");
        return [inputs[0]];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int rows = inputTypes[0][0], classes = inputTypes[0][1];
        DeviceBuffer logits = inputs[0], labels = inputs[1], dloss = inputs[2], dlogits = outputs[0];
        return new BoundKernel("softmax-cross-entropy-backward",
            backend.Kernels.Bind(KernelKeys.SoftmaxCrossEntropyBackward,
                new KernelCall([logits, labels, dloss], [[rows, classes], [rows], []], [dlogits], [[rows, classes]])));
    }
}
