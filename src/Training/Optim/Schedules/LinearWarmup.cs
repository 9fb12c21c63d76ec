namespace Trainer.Training.Optim.Schedules;

/// <summary>
/// A linear warm-up over W steps, then another schedule: with lr₀ = then.Exact(0) and start factor s,
/// lr(t) = lr₀·(s + (1 − s)·t/W) for t &lt; W, and then.Exact(t − W) from step W on (the schedule after
/// the warm-up starts at its own step 0). With s = 0 the warm-up is MindSpore's
/// <c>nn.WarmUpLR(learning_rate, warmup_steps)</c> (lr₀·t/W); the warm-up alone is PyTorch's
/// <c>LinearLR(start_factor=s, end_factor=1, total_iters=W)</c> (or <c>LambdaLR</c> with t/W), and
/// followed by a schedule it is PyTorch's <c>SequentialLR([LinearLR(...), next], milestones=[W])</c>.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    /// <param name="steps">W, the warm-up's length, at least 1.</param>
    /// <param name="then">The schedule from step W on; its rate at its step 0 is the warm-up's target.</param>
    /// <param name="startFactor">s, the fraction of the target at step 0, in [0, 1).</param>
    public LinearWarmup(long steps, LearningRateSchedule then, double startFactor = 0)
    {
        Steps = CheckSteps(steps, nameof(steps));
        Then = then ?? throw new ArgumentNullException(nameof(then));
        if (!(startFactor >= 0 && startFactor < 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be at least 0 and below 1");
        StartFactor = startFactor;
    }

    /// <summary>W.</summary>
    public long Steps { get; }

    /// <summary>s.</summary>
    public double StartFactor { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public LearningRateSchedule Then { get; }

    /// <inheritdoc/>
    public override string Description => $"linear warm-up over {Steps} steps from {Number(StartFactor)}x, then {Then.Description}";

    /// <inheritdoc/>
    protected override double At(long step) =>
        step < Steps ? Then.Exact(0) * (StartFactor + (1 - StartFactor) * step / Steps) : Then.Exact(step - Steps);
}
