using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer train`'s learning-rate schedule flags, read and checked together.</summary>
public static class ScheduleOptions
{
    /// <summary>--lr-schedule NAME.</summary>
    public static readonly CommandOption Schedule = new("--lr-schedule", "NAME",
        "constant, step (times --lr-gamma every --lr-step-size steps), exponential (times --lr-gamma every step) or cosine (--lr down to --lr-min over the run) (default constant)");
    /// <summary>--lr-step-size STEPS.</summary>
    public static readonly CommandOption StepSize = new("--lr-step-size", "STEPS", "steps between decays of --lr-schedule step (default one epoch)");
    /// <summary>--lr-gamma G.</summary>
    public static readonly CommandOption Gamma = new("--lr-gamma", "G", "the factor of --lr-schedule step or exponential, above 0 and at most 1 (default 0.1 for step; exponential needs it)");
    /// <summary>--lr-min RATE.</summary>
    public static readonly CommandOption MinRate = new("--lr-min", "RATE", "the final rate of --lr-schedule cosine, from 0 to --lr (default 0)");
    /// <summary>--warmup-steps N.</summary>
    public static readonly CommandOption Warmup = new("--warmup-steps", "N", "raise the rate linearly from 0 to --lr over the first N steps, then follow the schedule (default 0)");

    /// <summary>Every schedule flag, in the order help lists them.</summary>
    public static IReadOnlyList<CommandOption> All { get; } = [Schedule, StepSize, Gamma, MinRate, Warmup];

    /// <summary>The schedule the flags ask for; a flag that the chosen schedule does not use, or a value out of range, is a usage error naming it.</summary>
    public static ScheduleChoice Read(ArgumentReader r, float learningRate)
    {
        string name = r.Choice(Schedule.Flag, ScheduleChoice.Names[0], [.. ScheduleChoice.Names]);
        var kind = (ScheduleKind)ScheduleChoice.Names.ToList().IndexOf(name);
        if (r.Has(StepSize.Flag) && kind != ScheduleKind.Step)
            throw r.Error($"{StepSize.Flag} applies to {Schedule.Flag} step, not {Schedule.Flag} {name}");
        if (r.Has(Gamma.Flag) && kind is not (ScheduleKind.Step or ScheduleKind.Exponential))
            throw r.Error($"{Gamma.Flag} applies to {Schedule.Flag} step or exponential, not {Schedule.Flag} {name}");
        if (!r.Has(Gamma.Flag) && kind == ScheduleKind.Exponential)
            throw r.Error($"{Schedule.Flag} exponential needs {Gamma.Flag} G, the factor per step (for example 0.999)");
        if (r.Has(MinRate.Flag) && kind != ScheduleKind.Cosine)
            throw r.Error($"{MinRate.Flag} applies to {Schedule.Flag} cosine, not {Schedule.Flag} {name}");

        float gamma = r.PositiveFloat(Gamma.Flag, 0.1f);
        if (gamma > 1f) throw r.Error($"{Gamma.Flag} must be above 0 and at most 1, got '{r.String(Gamma.Flag)}'");
        double min = 0;
        if (r.String(MinRate.Flag) is { } text)
        {
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float parsed) || !(parsed >= 0) || float.IsInfinity(parsed))
                throw r.Error($"{MinRate.Flag} must be a number at least 0, got '{text}'");
            if (parsed > learningRate)
                throw r.Error($"{MinRate.Flag} {text} is above the initial rate --lr {learningRate.ToString(CultureInfo.InvariantCulture)}");
            min = Exact(parsed);
        }
        return new ScheduleChoice
        {
            Kind = kind,
            StepSize = r.Has(StepSize.Flag) ? r.PositiveInt(StepSize.Flag, 1) : null,
            Gamma = Exact(gamma),
            MinRate = min,
            WarmupSteps = r.NonNegativeInt(Warmup.Flag, 0),
        };
    }

    /// <summary>A flag's float as the user wrote it (0.1, not float 0.1's 0.10000000149011612), for the float64 schedule.</summary>
    private static double Exact(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
