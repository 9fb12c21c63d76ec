namespace Trainer.Training.Nn;

/// <summary>Mean softmax cross-entropy of logits [B,C] against int32 class labels [B].</summary>
public sealed class CrossEntropyLoss
{
    /// <summary>The mean softmax cross-entropy of <paramref name="logits"/> [batch, classes] against int32 <paramref name="labels"/> [batch].</summary>
    public Tensor Call(Tensor logits, Tensor labels) => Ops.SoftmaxCrossEntropy(logits, labels);
}
