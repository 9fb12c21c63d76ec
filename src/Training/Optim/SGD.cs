namespace Trainer.Training.Optim;

/// <summary>Plain stochastic gradient descent: p ← p − lr·g for each parameter.</summary>
public sealed class SGD : IOptimizer
{
    /// <summary>Plain SGD over <paramref name="parameters"/> (MindSpore's <c>nn.SGD</c> without momentum): p ← p − lr·g.</summary>
    public SGD(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        OptimizerChecks.LearningRate(learningRate);
        Parameters = parameters;
        LearningRate = learningRate;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }
    /// <summary>None: plain SGD keeps no state.</summary>
    public IReadOnlyList<Parameter> State => [];
    /// <summary>The learning rate.</summary>
    public float LearningRate { get; }
    /// <inheritdoc/>
    public string Description => "sgd";

    /// <inheritdoc/>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.SgdUpdate(p, grads[i], LearningRate)).ToList());
    }
}
