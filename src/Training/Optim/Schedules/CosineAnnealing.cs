namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// Cosine annealing from lr_max to lr_min over T steps:
/// lr(t) = lr_min + (lr_max − lr_min)·(1 + cos(π·min(t, T)/T))/2, then lr_min from step T on.
/// MindSpore's <c>nn.CosineDecayLR(min_lr, max_lr, decay_steps)</c> (which holds lr_min past the end
/// the same way) and <c>nn.cosine_decay_lr</c> with one step per epoch; PyTorch's
/// <c>CosineAnnealingLR(T_max, eta_min)</c> up to T_max (past it PyTorch's cosine climbs back up,
/// with period 2·T_max, where this one stays at lr_min).
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <param name="maxRate">lr_max, the rate at step 0, a finite number above 0.</param>
    /// <param name="steps">T, the steps to anneal over, at least 1.</param>
    /// <param name="minRate">lr_min, reached at step T, a finite number from 0 to <paramref name="maxRate"/>.</param>
    public CosineAnnealing(double maxRate, long steps, double minRate = 0)
    {
        MaxRate = CheckRate(maxRate, nameof(maxRate));
        Steps = CheckSteps(steps, nameof(steps));
        MinRate = CheckRate(minRate, nameof(minRate), zeroAllowed: true);
        if (MinRate > MaxRate) throw new ArgumentOutOfRangeException(nameof(minRate), minRate, $"minRate must not exceed maxRate ({Number(maxRate)})");
    }

    /// <summary>lr_max.</summary>
    public double MaxRate { get; }

    /// <summary>lr_min.</summary>
    public double MinRate { get; }

    /// <summary>T.</summary>
    public long Steps { get; }

    /// <inheritdoc/>
    public override string Description => $"cosine ({Number(MaxRate)} to {Number(MinRate)} over {Steps} steps)";

    /// <inheritdoc/>
    protected override double At(long step) =>
        MinRate + (MaxRate - MinRate) * (1 + Math.Cos(Math.PI * Math.Min(step, Steps) / Steps)) / 2;
}
