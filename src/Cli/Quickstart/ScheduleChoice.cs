using Trainer.Training.Optim.Schedules;

namespace Trainer.Cli.Quickstart;

/// <summary>The learning-rate schedules `trainer train --lr-schedule` offers.</summary>
public enum ScheduleKind
{
    /// <summary>The --lr rate at every step (the default, the tutorial's).</summary>
    Constant,
    /// <summary><see cref="StepDecay"/>: times --lr-gamma every --lr-step-size steps.</summary>
    Step,
    /// <summary><see cref="ExponentialDecay"/>: times --lr-gamma every step.</summary>
    Exponential,
    /// <summary><see cref="CosineAnnealing"/>: from --lr to --lr-min over the run (after any warm-up).</summary>
    Cosine,
}

/// <summary>
/// The schedule a training run asked for (`--lr-schedule`, `--lr-step-size`, `--lr-gamma`, `--lr-min`,
/// `--warmup-steps`), turned into a <see cref="LearningRateSchedule"/> once the run's length is known.
/// </summary>
public sealed record ScheduleChoice
{
    /// <summary>Which schedule.</summary>
    public ScheduleKind Kind { get; init; } = ScheduleKind.Constant;

    /// <summary>Step decay's interval in steps; null for one epoch.</summary>
    public long? StepSize { get; init; }

    /// <summary>Step and exponential decay's factor γ, in (0, 1].</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Cosine annealing's final rate (at least 0, at most the initial one).</summary>
    public double MinRate { get; init; }

    /// <summary>Steps of linear warm-up from 0 before the schedule (MindSpore's WarmUpLR); 0 for none.</summary>
    public long WarmupSteps { get; init; }

    /// <summary>No schedule: the rate stays as the optimizer was made with.</summary>
    public static ScheduleChoice Constant { get; } = new();

    /// <summary>The schedule's names, as --lr-schedule spells them, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["constant", "step", "exponential", "cosine"];

    /// <summary>
    /// The schedule for a run starting at <paramref name="rate"/> over <paramref name="totalSteps"/> steps
    /// of <paramref name="stepsPerEpoch"/> each; null for a constant rate with no warm-up, so such a run
    /// never touches the optimizer's rate.
    /// </summary>
    public LearningRateSchedule? Build(double rate, long totalSteps, long stepsPerEpoch)
    {
        if (Kind == ScheduleKind.Constant && WarmupSteps == 0) return null;
        long after = Math.Max(1, totalSteps - WarmupSteps);
        LearningRateSchedule schedule = Kind switch
        {
            ScheduleKind.Step => new StepDecay(rate, StepSize ?? Math.Max(1, stepsPerEpoch), Gamma),
            ScheduleKind.Exponential => new ExponentialDecay(rate, Gamma),
            ScheduleKind.Cosine => new CosineAnnealing(rate, after, MinRate),
            _ => new ConstantRate(rate),
        };
        return WarmupSteps > 0 ? new LinearWarmup(WarmupSteps, schedule) : schedule;
    }
}
