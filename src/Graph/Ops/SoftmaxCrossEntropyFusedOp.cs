using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Loss and its logits gradient in one kernel: outputs (loss [], dlogits [B,C]). The upstream
/// gradient is the constant <see cref="Op.Scalar"/>, which is what the loss seed of autodiff is.
/// </summary>
internal sealed class SoftmaxCrossEntropyFusedOp : OpDefinition
{
    public override OpKind Kind => OpKind.SoftmaxCrossEntropyFused;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        SoftmaxCrossEntropyOp.CheckLogitsAndLabels(op, inputs);
        return [TensorType.Float(), inputs[0]];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int rows = inputTypes[0][0], classes = inputTypes[0][1];
        float dloss = op.Scalar;
        DeviceBuffer logits = inputs[0], labels = inputs[1], loss = outputs[0], dlogits = outputs[1];
        return new BoundKernel("softmax-cross-entropy-fused",
            backend.Kernels.Bind(KernelKeys.SoftmaxCrossEntropyFused,
                new KernelCall([logits, labels], [[rows, classes], [rows]], [loss, dlogits], [[], [rows, classes]]) { Scalar = dloss }));
    }
}
