using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Mean over rows of −log softmax(logits)[label]: logits [B,C] float32, labels [B] int32, loss [].
/// Gradient for logits: SoftmaxCrossEntropyGrad(logits, labels, dloss); labels have none.
/// </summary>
internal sealed class SoftmaxCrossEntropyOp : OpDefinition
{
    public override OpKind Kind => OpKind.SoftmaxCrossEntropy;

    internal static void CheckLogitsAndLabels(Op op, IReadOnlyList<TensorType> inputs)
    {
        TensorType logits = inputs[0], labels = inputs[1];
        if (logits.Rank != 2 || logits.DType != DType.Float32)
            throw Mismatch(op, inputs, "logits must be float32 [batch,classes]");
        if (labels.Rank != 1 || labels.DType != DType.Int32 || labels[0] != logits[0])
            throw Mismatch(op, inputs, $"labels must be int32 [{logits[0]}]");
    }

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        CheckLogitsAndLabels(op, inputs);
        return [TensorType.Float()];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? b.Apply(Op.Of(OpKind.SoftmaxCrossEntropyGrad), inputs[0], inputs[1], dOutput) : null, null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int rows = inputTypes[0][0], classes = inputTypes[0][1];
        DeviceBuffer logits = inputs[0], labels = inputs[1], loss = outputs[0];
        return new BoundKernel("softmax-cross-entropy", backend.Kernels.Bind(KernelKeys.SoftmaxCrossEntropy, new KernelCall([logits, labels], [[rows, classes], [rows]], [loss], [[]])));
    }
}
