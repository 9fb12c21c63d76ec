namespace Trainer.Training.Nn;

/// <summary>Mean softmax cross-entropy of logits [B,C] against int32 class labels [B].</summary>
public sealed class CrossEntropyLoss
{
    public Tensor Call(Tensor logits, Tensor labels) => Ops.SoftmaxCrossEntropy(logits, labels);
}
