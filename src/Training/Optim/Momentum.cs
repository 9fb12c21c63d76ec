using System.Globalization;
using Trainer.Kernels.Ops;

namespace Trainer.Training.Optim;

/// <summary>
/// MindSpore's <c>nn.Momentum(params, learning_rate, momentum)</c> (PyTorch's <c>SGD(momentum=m)</c>
/// without dampening or Nesterov): for each parameter an accumulation a, zero at the start,
/// a ← a·m + g, then p ← p − lr·a. The accumulations are named <c>moments.</c> + the parameter's
/// name, as MindSpore names them. A weight decay w adds w·p to each gradient first (MindSpore's
/// <c>weight_decay</c>, applied here to every parameter, biases included, as PyTorch does).
/// The learning rate, coefficient and weight decay are device values (<see cref="Hyperparameters"/>):
/// setting one takes effect at the next step without recompiling.
/// </summary>
public sealed class Momentum : IOptimizer
{
    /// <summary>Momentum over <paramref name="parameters"/>: a positive learning rate, a coefficient in [0, 1), a weight decay at least 0.</summary>
    public Momentum(IReadOnlyList<Parameter> parameters, float learningRate, float momentum, float weightDecay = 0)
    {
        OptimizerChecks.LearningRate(learningRate);
        OptimizerChecks.WeightDecay(weightDecay);
        CheckCoefficient(momentum);
        Parameters = parameters;
        Hyperparameters = new HyperparameterBlock("momentum", ["lr", "momentum", "weight_decay"], [learningRate, momentum, weightDecay]);
        State = parameters.Select(p => new Parameter("moments." + p.Name, p.Type, new float[p.Type.ElementCount])).ToList();
    }

    private static float CheckCoefficient(float momentum) =>
        momentum >= 0f && momentum < 1f ? momentum
        : throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be at least 0 and below 1, got {momentum.ToString(CultureInfo.InvariantCulture)}");

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The accumulations, one per parameter, in <see cref="Parameters"/> order.</summary>
    public IReadOnlyList<Parameter> State { get; }

    /// <inheritdoc/>
    public HyperparameterBlock Hyperparameters { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => Hyperparameters[HyperparameterLayout.LearningRate];
        set => Hyperparameters.Set(HyperparameterLayout.LearningRate, OptimizerChecks.NewLearningRate(value));
    }

    /// <summary>The momentum coefficient m, in [0, 1); settable between steps.</summary>
    public float Coefficient
    {
        get => Hyperparameters[HyperparameterLayout.Momentum];
        set => Hyperparameters.Set(HyperparameterLayout.Momentum, CheckCoefficient(value));
    }

    /// <summary>The weight decay w (0: none); settable between steps.</summary>
    public float WeightDecay
    {
        get => Hyperparameters[HyperparameterLayout.MomentumWeightDecay];
        set
        {
            OptimizerChecks.WeightDecay(value);
            Hyperparameters.Set(HyperparameterLayout.MomentumWeightDecay, value);
        }
    }

    /// <inheritdoc/>
    public string Description => Describe(Coefficient, WeightDecay);

    internal static string Describe(float momentum, float weightDecay) =>
        "momentum " + momentum.ToString(CultureInfo.InvariantCulture) + OptimizerChecks.DecaySuffix(weightDecay);

    /// <inheritdoc/>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.MomentumUpdate(p, State[i], grads[i], Hyperparameters)).ToList());
    }
}
