namespace Trainer.Training.Optim;

/// <summary>Plain stochastic gradient descent: p ← p − lr·g for each parameter.</summary>
public sealed class SGD
{
    public SGD(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be a positive number, got {learningRate}");
        Parameters = parameters;
        LearningRate = learningRate;
    }

    public IReadOnlyList<Parameter> Parameters { get; }
    public float LearningRate { get; }

    /// <summary>Applies one update with <paramref name="grads"/> (in <see cref="Parameters"/> order), like calling a MindSpore optimizer.</summary>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        if (grads.Count != Parameters.Count)
            throw new ArgumentException($"SGD has {Parameters.Count} parameters but got {grads.Count} gradients");
        return Effect.Combine(Parameters.Select((p, i) => Ops.SgdUpdate(p, grads[i], LearningRate)).ToList());
    }
}
