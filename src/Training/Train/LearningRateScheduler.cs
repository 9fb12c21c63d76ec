namespace Trainer.Training.Train;

/// <summary>
/// The hook for learning-rate schedules (MindSpore's <c>LearningRateScheduler</c>, PyTorch's <c>lr_scheduler.step()</c>):
/// before every step, computes the rate for that global step and hands it to <c>apply</c>, which sets it where the
/// optimizer reads it (an optimizer whose learning rate is a device value changes it without recompiling the step).
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<long, double> rateAt;
    private readonly Action<double> apply;

    /// <summary>A schedule <paramref name="rateAt"/>(global step) applied by <paramref name="apply"/> before each step.</summary>
    public LearningRateScheduler(Func<long, double> rateAt, Action<double> apply)
    {
        ArgumentNullException.ThrowIfNull(rateAt);
        ArgumentNullException.ThrowIfNull(apply);
        this.rateAt = rateAt;
        this.apply = apply;
    }

    /// <summary>The rate applied before the latest step; NaN before the first.</summary>
    public double Current { get; private set; } = double.NaN;

    /// <inheritdoc />
    public override void OnStepBegin(RunContext context)
    {
        double rate = rateAt(context.Step);
        if (!double.IsFinite(rate) || rate < 0)
            throw new InvalidOperationException($"the learning-rate schedule gave {rate} for step {context.Step}, expected a finite rate at least 0");
        Current = rate;
        apply(rate);
    }
}
