using System.Globalization;

namespace Trainer.Training.Optim;

/// <summary>
/// MindSpore's <c>nn.Momentum(params, learning_rate, momentum)</c> (PyTorch's <c>SGD(momentum=m)</c>
/// without dampening or Nesterov): for each parameter an accumulation a, zero at the start,
/// a ← a·m + g, then p ← p − lr·a. The accumulations are named <c>moments.</c> + the parameter's
/// name, as MindSpore names them. A weight decay w adds w·p to each gradient first (MindSpore's
/// <c>weight_decay</c>, applied here to every parameter, biases included, as PyTorch does).
/// </summary>
public sealed class Momentum : IOptimizer
{
    /// <summary>SGD with momentum over <paramref name="parameters"/> (MindSpore's <c>nn.Momentum</c>); the accumulations start at zero.</summary>
    public Momentum(IReadOnlyList<Parameter> parameters, float learningRate, float momentum, float weightDecay = 0)
    {
        OptimizerChecks.LearningRate(learningRate);
        OptimizerChecks.WeightDecay(weightDecay);
        WeightDecay = weightDecay;
        if (!(momentum >= 0f && momentum < 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be at least 0 and below 1, got {momentum.ToString(CultureInfo.InvariantCulture)}");
        Parameters = parameters;
        LearningRate = learningRate;
        Coefficient = momentum;
        State = parameters.Select(p => new Parameter("moments." + p.Name, p.Type, new float[p.Type.ElementCount])).ToList();
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The accumulations, one per parameter, in <see cref="Parameters"/> order.</summary>
    public IReadOnlyList<Parameter> State { get; }

    /// <summary>The learning rate.</summary>
    public float LearningRate { get; }

    /// <summary>The momentum coefficient m.</summary>
    public float Coefficient { get; }

    /// <summary>The weight decay w (0: none).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Description => Describe(Coefficient, WeightDecay);

    internal static string Describe(float momentum, float weightDecay) =>
        "momentum " + momentum.ToString(CultureInfo.InvariantCulture) + OptimizerChecks.DecaySuffix(weightDecay);

    /// <inheritdoc/>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.MomentumUpdate(p, State[i], grads[i], LearningRate, Coefficient, WeightDecay)).ToList());
    }
}
