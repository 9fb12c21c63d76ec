namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// Polynomial decay from lr₀ to lr_end over T steps:
/// lr(t) = (lr₀ − lr_end)·(1 − min(t, T)/T)^power + lr_end. MindSpore's
/// <c>nn.PolynomialDecayLR(learning_rate, end_learning_rate, decay_steps, power)</c> and
/// <c>nn.polynomial_decay_lr</c> with one step per epoch; with lr_end = 0, PyTorch's
/// <c>PolynomialLR(total_iters, power)</c>.
/// </summary>
public sealed class PolynomialDecay : LearningRateSchedule
{
    /// <param name="initialRate">lr₀, a finite number above 0.</param>
    /// <param name="steps">T, at least 1.</param>
    /// <param name="endRate">lr_end, a finite number from 0 to <paramref name="initialRate"/>.</param>
    /// <param name="power">The exponent, a finite number above 0 (1: linear).</param>
    public PolynomialDecay(double initialRate, long steps, double endRate = 0, double power = 1)
    {
        InitialRate = CheckRate(initialRate, nameof(initialRate));
        Steps = CheckSteps(steps, nameof(steps));
        EndRate = CheckRate(endRate, nameof(endRate), zeroAllowed: true);
        if (EndRate > InitialRate) throw new ArgumentOutOfRangeException(nameof(endRate), endRate, $"endRate must not exceed initialRate ({Number(initialRate)})");
        Power = CheckRate(power, nameof(power));
    }

    /// <summary>lr₀.</summary>
    public double InitialRate { get; }

    /// <summary>lr_end.</summary>
    public double EndRate { get; }

    /// <summary>T.</summary>
    public long Steps { get; }

    /// <summary>The exponent.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    public override string Description => $"polynomial ({Number(InitialRate)} to {Number(EndRate)} over {Steps} steps, power {Number(Power)})";

    /// <inheritdoc/>
    protected override double At(long step) =>
        (InitialRate - EndRate) * Math.Pow(1 - (double)Math.Min(step, Steps) / Steps, Power) + EndRate;
}
