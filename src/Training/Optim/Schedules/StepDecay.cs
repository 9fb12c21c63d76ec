namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// Step decay: lr(t) = lr₀·γ^⌊t / stepSize⌋, the rate multiplied by γ every <see cref="StepSize"/>
/// steps. PyTorch's <c>StepLR(step_size, gamma)</c> (its closed form) and MindSpore's
/// <c>nn.ExponentialDecayLR(learning_rate, decay_rate, decay_steps, is_stair=True)</c> (and
/// <c>nn.exponential_decay_lr(..., is_stair=True)</c> with one step per epoch).
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <param name="initialRate">lr₀, a finite number above 0.</param>
    /// <param name="stepSize">Steps between decays, at least 1.</param>
    /// <param name="gamma">The factor γ applied at each decay, in (0, 1].</param>
    public StepDecay(double initialRate, long stepSize, double gamma)
    {
        InitialRate = CheckRate(initialRate, nameof(initialRate));
        StepSize = CheckSteps(stepSize, nameof(stepSize));
        Gamma = CheckFactor(gamma, nameof(gamma));
    }

    /// <summary>lr₀.</summary>
    public double InitialRate { get; }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override string Description => $"step (from {Number(InitialRate)}, times {Number(Gamma)} every {StepSize} steps)";

    /// <inheritdoc/>
    protected override double At(long step) => InitialRate * Math.Pow(Gamma, step / StepSize);
}
