namespace Trainer.Training.Train;

/// <summary>
/// Reads the loss every <see cref="Interval"/> batches so that a NaN or infinite one stops training
/// (<see cref="ModelOptions.StopOnNonFiniteLoss"/>) within that many steps, as Keras's <c>TerminateOnNaN</c>.
/// Each read waits for the device: on a GPU a long interval keeps the host ahead; on a CPU it costs nothing.
/// </summary>
public sealed class LossCheck : Callback
{
    /// <summary>A check every <paramref name="interval"/> batches (counted within the epoch, from 0).</summary>
    public LossCheck(int interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        Interval = interval;
    }

    /// <summary>Batches between reads.</summary>
    public int Interval { get; }

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context)
    {
        if (context.Batch % Interval == 0) _ = context.Loss;
    }
}
