using System.Diagnostics;
using Trainer.Training.Metrics;

namespace Trainer.Training.Train;

/// <summary>
/// Appends the run's figures to a JSON-lines metrics file (<see cref="MetricsWriter"/>, what <c>trainer plot</c>
/// draws): a step record at every <see cref="Interval"/>-th batch whose loss a callback read (the loss, the learning
/// rate, samples per second since the previous record) and an epoch record after each epoch (the last loss read,
/// the training throughput, and the validation accuracy and loss). A file that cannot be written (a full disk)
/// costs only the metrics: one warning, then no more records, while training goes on.
/// </summary>
public sealed class MetricsMonitor : Callback
{
    private readonly TextWriter? warnings;
    private readonly string what;
    private readonly Stopwatch sinceRecord = new();
    private MetricsWriter? writer;
    private long rowsSinceRecord;
    private float lastLoss = float.NaN;

    /// <summary>
    /// Records into <paramref name="writer"/> at the loss reads of every <paramref name="interval"/>-th batch; a failure
    /// is reported once on <paramref name="warnings"/>, the file called <paramref name="what"/> (e.g. the flag that named it).
    /// </summary>
    public MetricsMonitor(MetricsWriter writer, double learningRate, int interval = LossMonitor.DefaultInterval, TextWriter? warnings = null,
        string what = "metrics file")
    {
        this.what = what;
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        this.writer = writer;
        LearningRate = learningRate;
        Interval = interval;
        this.warnings = warnings;
    }

    /// <summary>Batches between step records.</summary>
    public int Interval { get; }

    /// <summary>The learning rate the records show; a schedule sets it as it changes the optimizer's.</summary>
    public double LearningRate { get; set; }

    /// <summary>Whether records are still being written (false after a failed write).</summary>
    public bool Writing => writer is not null;

    /// <inheritdoc />
    public override void OnEpochBegin(RunContext context)
    {
        sinceRecord.Restart();
        rowsSinceRecord = 0;
    }

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context)
    {
        rowsSinceRecord += context.StepRows;
        if (context.LossIfRead is not { } loss) return;
        lastLoss = loss;
        if (context.Batch % Interval != 0) return;
        double rate = rowsSinceRecord / Math.Max(sinceRecord.Elapsed.TotalSeconds, 1e-9);
        Write(m => m.WriteStep(context.Epoch + 1, context.Step, loss, LearningRate, rate));
        sinceRecord.Restart();
        rowsSinceRecord = 0;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(RunContext context)
    {
        var eval = context.EvalResult;
        Write(m => m.WriteEpoch(context.Epoch + 1, context.Step, lastLoss, LearningRate, context.EpochRows / context.TrainSeconds,
            eval?.Accuracy ?? double.NaN, eval?.Loss ?? double.NaN));
    }

    /// <summary>Appends a record; when that fails, says so once and writes no more records (training goes on).</summary>
    private void Write(Action<MetricsWriter> write)
    {
        if (writer is not { } w) return;
        try
        {
            write(w);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            writer = null;
            string reason = e is IOException { HResult: 28 } ? "no space left on device" : e.Message.ReplaceLineEndings(" ");
            warnings?.WriteLine($"warning: {what} '{w.Path}': cannot append ({reason}); no more metrics are written, training and checkpoints go on");
            try { w.Dispose(); } catch (IOException) { } // closing may fail the same way; the records written so far stay
        }
    }
}
