namespace Trainer.Graph.Compilation;

/// <summary>
/// Whether compiled steps are captured once and replayed (<see cref="CapturedStep"/>), shared by
/// every graph a session compiles. The first failure anywhere turns capture off for all of them and
/// writes one line to the warning sink, so a device that cannot capture says so once, not once per
/// graph or per step.
/// </summary>
public sealed class StepCapturePolicy(bool enabled, Action<string> warn)
{
    /// <summary>Direct launches, always; nothing is ever written.</summary>
    public static StepCapturePolicy Off { get; } = new(false, _ => { });

    /// <summary>Whether graphs bound from now on try to capture their step.</summary>
    public bool Enabled { get; private set; } = enabled;

    /// <summary>Why capture was turned off, or null while it has not failed.</summary>
    public string? Failure { get; private set; }

    /// <summary>Turns capture off for good and warns, the first time only.</summary>
    internal void Fail(string reason)
    {
        if (Failure is not null) return;
        Failure = reason;
        Enabled = false;
        warn($"warning: CUDA graph replay is off, launching kernels directly: {reason}");
    }
}
