namespace Trainer.Training.Loops;

/// <summary>A model that maps an image batch to one logit per class: the quick-start's MLP and LeNet-5.</summary>
internal interface IClassifier
{
    /// <summary>How many classes its logits cover.</summary>
    int Classes { get; }
}
