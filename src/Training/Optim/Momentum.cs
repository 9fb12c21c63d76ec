using System.Globalization;

namespace Trainer.Training.Optim;

/// <summary>
/// MindSpore's <c>nn.Momentum(params, learning_rate, momentum)</c> (PyTorch's <c>SGD(momentum=m)</c>
/// without dampening or Nesterov): for each parameter an accumulation a, zero at the start,
/// a ← a·m + g, then p ← p − lr·a. The accumulations are named <c>moments.</c> + the parameter's
/// name, as MindSpore names them.
/// </summary>
public sealed class Momentum : IOptimizer
{
    public Momentum(IReadOnlyList<Parameter> parameters, float learningRate, float momentum)
    {
        OptimizerChecks.LearningRate(learningRate);
        if (!(momentum >= 0f && momentum < 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be at least 0 and below 1, got {momentum.ToString(CultureInfo.InvariantCulture)}");
        Parameters = parameters;
        LearningRate = learningRate;
        Coefficient = momentum;
        State = parameters.Select(p => new Parameter("moments." + p.Name, p.Type, new float[p.Type.ElementCount])).ToList();
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The accumulations, one per parameter, in <see cref="Parameters"/> order.</summary>
    public IReadOnlyList<Parameter> State { get; }

    public float LearningRate { get; }

    /// <summary>The momentum coefficient m.</summary>
    public float Coefficient { get; }

    public string Description => Describe(Coefficient);

    internal static string Describe(float momentum) => "momentum " + momentum.ToString(CultureInfo.InvariantCulture);

    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        return Effect.Combine(Parameters.Select((p, i) => Ops.MomentumUpdate(p, State[i], grads[i], LearningRate, Coefficient)).ToList());
    }
}
