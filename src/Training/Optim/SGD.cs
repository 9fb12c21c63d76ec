using Trainer.Kernels.Ops;

namespace Trainer.Training.Optim;

/// <summary>Plain stochastic gradient descent: p ← p − lr·g for each parameter.</summary>
public sealed class SGD : IOptimizer
{
    /// <summary>SGD over <paramref name="parameters"/> at <paramref name="learningRate"/> (a positive number).</summary>
    public SGD(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        OptimizerChecks.LearningRate(learningRate);
        Parameters = parameters;
        Hyperparameters = new HyperparameterBlock("sgd", ["lr"], [learningRate]);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> State => [];

    /// <inheritdoc/>
    public HyperparameterBlock Hyperparameters { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => Hyperparameters[HyperparameterLayout.LearningRate];
        set => Hyperparameters.Set(HyperparameterLayout.LearningRate, OptimizerChecks.NewLearningRate(value));
    }

    /// <inheritdoc/>
    public string Description => "sgd";

    /// <inheritdoc/>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.SgdUpdate(p, grads[i], Hyperparameters)).ToList());
    }
}
