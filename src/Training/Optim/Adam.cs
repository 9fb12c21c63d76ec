using System.Globalization;
using Trainer.Kernels.Ops;

namespace Trainer.Training.Optim;

/// <summary>
/// MindSpore's <c>nn.Adam(params, learning_rate, beta1, beta2, eps)</c> (its ApplyAdam: the bias
/// correction folded into the step size, ε added to √v): per parameter a first moment m and a
/// second moment v, zero at the start and named <c>moment1.</c>/<c>moment2.</c> + the parameter's
/// name, and the two scalars <c>beta1_power</c> and <c>beta2_power</c> (β₁ᵗ, β₂ᵗ, one at the start).
/// Each step: lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) with this step's powers, m ← m + (g − m)(1 − β₁),
/// v ← v + (g² − v)(1 − β₂), p ← p − lr_t·m/(√v + ε); then the powers advance. PyTorch's Adam adds
/// ε to the bias-corrected √v̂ instead, a difference of order ε. A weight decay w adds w·p to each
/// gradient first (L2 regularisation, as both frameworks' Adam does; not AdamW's decoupled decay).
/// lr, β₁, β₂, ε and w are device values (<see cref="Hyperparameters"/>); the learning rate and the
/// weight decay can be set between steps without recompiling.
/// </summary>
public sealed class Adam : IOptimizer
{
    /// <summary>MindSpore's defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8.</summary>
    public const float DefaultLearningRate = 1e-3f, DefaultBeta1 = 0.9f, DefaultBeta2 = 0.999f, DefaultEpsilon = 1e-8f;

    private readonly Parameter beta1Power, beta2Power;

    /// <summary>Adam over <paramref name="parameters"/> (MindSpore's <c>nn.Adam</c>); its moments start at zero.</summary>
    public Adam(IReadOnlyList<Parameter> parameters, float learningRate = DefaultLearningRate,
        float beta1 = DefaultBeta1, float beta2 = DefaultBeta2, float epsilon = DefaultEpsilon, float weightDecay = 0)
    {
        OptimizerChecks.LearningRate(learningRate);
        OptimizerChecks.WeightDecay(weightDecay);
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        if (!(epsilon > 0) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"eps must be a positive number, got {epsilon.ToString(CultureInfo.InvariantCulture)}");
        Parameters = parameters;
        Hyperparameters = new HyperparameterBlock("adam", ["lr", "beta1", "beta2", "eps", "weight_decay"], [learningRate, beta1, beta2, epsilon, weightDecay]);
        FirstMoments = parameters.Select(p => new Parameter("moment1." + p.Name, p.Type, new float[p.Type.ElementCount])).ToList();
        SecondMoments = parameters.Select(p => new Parameter("moment2." + p.Name, p.Type, new float[p.Type.ElementCount])).ToList();
        beta1Power = new Parameter("beta1_power", Graph.Ir.TensorType.Float(1), [1f]);
        beta2Power = new Parameter("beta2_power", Graph.Ir.TensorType.Float(1), [1f]);
        State = [.. FirstMoments, .. SecondMoments, beta1Power, beta2Power];
    }

    private static void CheckBeta(float beta, string name)
    {
        if (!(beta >= 0f && beta < 1f))
            throw new ArgumentOutOfRangeException(name, $"{name} must be at least 0 and below 1, got {beta.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }
    /// <summary>The first-moment estimates m, one per parameter.</summary>
    public IReadOnlyList<Parameter> FirstMoments { get; }
    /// <summary>The second-moment estimates v, one per parameter.</summary>
    public IReadOnlyList<Parameter> SecondMoments { get; }

    /// <summary>First moments, second moments, then beta1_power and beta2_power.</summary>
    public IReadOnlyList<Parameter> State { get; }

    /// <inheritdoc/>
    public HyperparameterBlock Hyperparameters { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => Hyperparameters[HyperparameterLayout.LearningRate];
        set => Hyperparameters.Set(HyperparameterLayout.LearningRate, OptimizerChecks.NewLearningRate(value));
    }

    /// <summary>β₁, the first moment's decay rate (fixed: the beta powers are its product over the steps).</summary>
    public float Beta1 => Hyperparameters[HyperparameterLayout.Beta1];

    /// <summary>β₂, the second moment's decay rate (fixed, like β₁).</summary>
    public float Beta2 => Hyperparameters[HyperparameterLayout.Beta2];

    /// <summary>ε, added to √v.</summary>
    public float Epsilon => Hyperparameters[HyperparameterLayout.Epsilon];

    /// <summary>The weight decay w (0: none); settable between steps.</summary>
    public float WeightDecay
    {
        get => Hyperparameters[HyperparameterLayout.AdamWeightDecay];
        set
        {
            OptimizerChecks.WeightDecay(value);
            Hyperparameters.Set(HyperparameterLayout.AdamWeightDecay, value);
        }
    }

    /// <inheritdoc/>
    public string Description => Describe(Beta1, Beta2, Epsilon, WeightDecay);

    internal static string Describe(float beta1, float beta2, float epsilon, float weightDecay) => string.Create(CultureInfo.InvariantCulture,
        $"adam (beta1 {beta1}, beta2 {beta2}, eps {epsilon}{OptimizerChecks.DecaySuffix(weightDecay)})");

    /// <inheritdoc/>
    public Effect Step(IReadOnlyList<Tensor> grads)
    {
        OptimizerChecks.GradientCount(this, grads);
        var updates = Effect.Combine(Parameters.Select((p, i) =>
            Ops.AdamUpdate(p, FirstMoments[i], SecondMoments[i], grads[i], beta1Power, beta2Power, Hyperparameters)).ToList());
        return Effect.Combine([updates, Ops.AdamBetaPowers(beta1Power, beta2Power, Hyperparameters, updates)]);
    }
}
