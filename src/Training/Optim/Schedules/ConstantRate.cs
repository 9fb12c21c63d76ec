namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// The same rate at every step: lr(t) = lr. What training does without a schedule (MindSpore's
/// optimizers given a float <c>learning_rate</c>; PyTorch's <c>ConstantLR</c> with factor 1).
/// </summary>
public sealed class ConstantRate : LearningRateSchedule
{
    /// <param name="rate">The rate, a finite number above 0.</param>
    public ConstantRate(double rate) => Value = CheckRate(rate, nameof(rate));

    /// <summary>The rate.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override string Description => "constant " + Number(Value);

    /// <inheritdoc/>
    protected override double At(long step) => Value;
}
