using System.Globalization;

namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// A learning rate per optimizer step, as MindSpore's <c>nn.learning_rate_schedule</c> cells and
/// <c>nn.dynamic_lr</c> lists and PyTorch's <c>torch.optim.lr_scheduler</c> define them. Each
/// schedule computes its formula in float64 (<see cref="Exact"/>) and rounds to float32 once
/// (<see cref="Rate"/>). Setting an optimizer's <see cref="IOptimizer.LearningRate"/> from it each
/// step (<see cref="Apply"/>) changes a device value, so a compiled step is never traced or compiled again.
/// </summary>
/// <remarks>Steps count from 0: step 0 is the first update, as PyTorch's <c>last_epoch</c> and MindSpore's <c>global_step</c> count.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The rate at <paramref name="step"/> (0 or more) in float64, before rounding.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step is negative.</exception>
    public double Exact(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "a schedule's step counts from 0");
        return At(step);
    }

    /// <summary>The rate at <paramref name="step"/>: <see cref="Exact"/> rounded to float32 once (to nearest).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step is negative.</exception>
    public float Rate(long step) => (float)Exact(step);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate for <paramref name="step"/>: the one call a training loop makes per step.</summary>
    public void Apply(IOptimizer optimizer, long step) => optimizer.LearningRate = Rate(step);

    /// <summary>How the log names the schedule, e.g. <c>cosine (0.1 to 0 over 938 steps)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The formula at a step already checked to be at least 0.</summary>
    protected abstract double At(long step);

    /// <summary>Checks a rate argument: finite and positive (or at least 0 where <paramref name="zeroAllowed"/>).</summary>
    protected static double CheckRate(double rate, string name, bool zeroAllowed = false) =>
        double.IsFinite(rate) && (rate > 0 || (zeroAllowed && rate == 0)) ? rate
        : throw new ArgumentOutOfRangeException(name, rate, $"{name} must be a finite number {(zeroAllowed ? "at least 0" : "above 0")}");

    /// <summary>Checks a step count: at least 1.</summary>
    protected static long CheckSteps(long steps, string name) =>
        steps >= 1 ? steps : throw new ArgumentOutOfRangeException(name, steps, $"{name} must be at least 1");

    /// <summary>Checks a decay factor: above 0 and at most 1, so the rate never grows.</summary>
    protected static double CheckFactor(double factor, string name) =>
        factor > 0 && factor <= 1 ? factor : throw new ArgumentOutOfRangeException(name, factor, $"{name} must be above 0 and at most 1");

    /// <summary>A number as descriptions print it (shortest round-trip, invariant culture).</summary>
    protected static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
