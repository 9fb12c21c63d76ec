using System.Globalization;

namespace Trainer.Training.Train;

/// <summary>
/// The quick-start tutorial's log (MindSpore's <c>LossMonitor</c>, in the tutorial's words): <c>Epoch N</c> and a
/// rule when an epoch begins, <c>loss: 2.302585  [  0/938]</c> every <see cref="Interval"/> batches, the
/// <c>Test:</c> block after each evaluation, and <c>Done!</c> at the end. The loss is read from the device only at
/// the logged steps.
/// </summary>
public sealed class LossMonitor : Callback
{
    private readonly TextWriter log;

    /// <summary>The tutorial logs every 100 batches.</summary>
    public const int DefaultInterval = 100;

    /// <summary>A monitor writing to <paramref name="log"/> every <paramref name="interval"/> batches (counted within the epoch, from 0).</summary>
    public LossMonitor(TextWriter log, int interval = DefaultInterval)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        this.log = log;
        Interval = interval;
    }

    /// <summary>Batches between logged losses.</summary>
    public int Interval { get; }

    /// <inheritdoc />
    public override void OnEpochBegin(RunContext context)
    {
        log.WriteLine($"Epoch {(context.Epoch + 1).ToString(CultureInfo.InvariantCulture)}");
        log.WriteLine("-------------------------------");
    }

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context)
    {
        if (context.Batch % Interval != 0) return;
        float loss = context.Loss;
        log.WriteLine(FormattableString.Invariant($"loss: {loss,7:F6}  [{context.Batch,3}/{context.BatchesPerEpoch,3}]"));
    }

    /// <inheritdoc />
    public override void OnEvalEnd(RunContext context)
    {
        if (context.EvalResult is { } result) WriteTest(log, result);
    }

    /// <inheritdoc />
    public override void OnTrainEnd(RunContext context) => log.WriteLine("Done!");

    /// <summary>The tutorial's test_loop report: <c>Test:</c>, the accuracy in percent and the average loss, and a blank line.</summary>
    public static void WriteTest(TextWriter log, EvalResult result)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(result);
        log.WriteLine("Test: ");
        log.WriteLine(FormattableString.Invariant($" Accuracy: {100 * result.Accuracy:F1}%, Avg loss: {result.Loss,8:F6} "));
        log.WriteLine();
    }
}
