namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// Exponential decay: lr(t) = lr₀·γ^(t / decaySteps), smoothly. With decaySteps = 1 this is PyTorch's
/// <c>ExponentialLR(gamma)</c> (lr₀·γᵗ); in general MindSpore's
/// <c>nn.ExponentialDecayLR(learning_rate, decay_rate, decay_steps, is_stair=False)</c>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <param name="initialRate">lr₀, a finite number above 0.</param>
    /// <param name="gamma">The factor γ per <paramref name="decaySteps"/> steps, in (0, 1].</param>
    /// <param name="decaySteps">Steps over which the rate is multiplied by γ, at least 1.</param>
    public ExponentialDecay(double initialRate, double gamma, long decaySteps = 1)
    {
        InitialRate = CheckRate(initialRate, nameof(initialRate));
        Gamma = CheckFactor(gamma, nameof(gamma));
        DecaySteps = CheckSteps(decaySteps, nameof(decaySteps));
    }

    /// <summary>lr₀.</summary>
    public double InitialRate { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <summary>Steps over which the rate is multiplied by γ.</summary>
    public long DecaySteps { get; }

    /// <inheritdoc/>
    public override string Description =>
        $"exponential (from {Number(InitialRate)}, times {Number(Gamma)} every {(DecaySteps == 1 ? "step" : DecaySteps + " steps")})";

    /// <inheritdoc/>
    protected override double At(long step) => InitialRate * Math.Pow(Gamma, (double)step / DecaySteps);
}
