namespace Trainer.Training.Optim;

/// <summary>Plain stochastic gradient descent: p ← p − lr·g for each parameter.</summary>
public sealed class SGD : IOptimizer
{
    public SGD(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        OptimizerChecks.LearningRate(learningRate);
        Parameters = parameters;
        LearningRate = learningRate;
    }

    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<Parameter> State => [];
    public float LearningRate { get; }
    public string Description => "sgd";

    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.SgdUpdate(p, grads[i], LearningRate)).ToList());
    }
}
