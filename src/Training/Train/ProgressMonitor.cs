using System.Diagnostics;
using System.Globalization;

namespace Trainer.Training.Train;

/// <summary>
/// The live progress of an epoch (what <c>trainer train</c> shows on stderr, so stdout stays the tutorial's log):
/// a bar, one line redrawn in place at most ten times a second (for a terminal), or a plain line per tenth of an
/// epoch (for logs): <c>epoch 1/2 [====    ] 50/125  loss 0.4123  2759 samples/s  ETA 0:03</c>. It shows the
/// last loss a callback read (<see cref="RunContext.LossIfRead"/>), so showing progress adds no device
/// synchronisation.
/// </summary>
public sealed class ProgressMonitor : Callback
{
    private readonly TextWriter error;
    private readonly bool bar;
    private readonly int batchesPerEpoch, epochs;
    private readonly Stopwatch clock = new();
    private long lastDrawTicks;
    private int startBatch, samples, width;
    private float? lastLoss;

    /// <summary>
    /// Progress on <paramref name="error"/>, as a bar redrawn in place (<paramref name="bar"/>) or as plain lines, for
    /// epochs of <paramref name="batchesPerEpoch"/> batches, <paramref name="epochs"/> in all; nothing at all unless
    /// <paramref name="enabled"/>.
    /// </summary>
    public ProgressMonitor(TextWriter error, bool bar, int batchesPerEpoch, int epochs, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(error);
        this.error = error;
        this.bar = bar;
        Enabled = enabled;
        this.batchesPerEpoch = batchesPerEpoch;
        this.epochs = epochs;
    }

    /// <summary>Whether it writes anything.</summary>
    public bool Enabled { get; }

    /// <inheritdoc />
    public override void OnEpochBegin(RunContext context) => StartEpoch(context.Epoch, context.FirstBatch);

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context) => AfterStep(context.Epoch, context.Batch, context.StepRows, context.LossIfRead);

    /// <summary>Clears the bar before the test block is printed.</summary>
    public override void OnEvalBegin(RunContext context) => EndEpoch();

    /// <inheritdoc />
    public override void OnEpochEnd(RunContext context) => EndEpoch();

    /// <summary>Starts timing epoch <paramref name="epoch"/> (0-based) from batch <paramref name="firstBatch"/>.</summary>
    public void StartEpoch(int epoch, int firstBatch)
    {
        startBatch = firstBatch;
        samples = 0;
        lastLoss = null;
        clock.Restart();
        lastDrawTicks = 0;
    }

    /// <summary>Counts a step of <paramref name="batchSamples"/> rows and redraws when due; <paramref name="loss"/> is the loss if it was read.</summary>
    public void AfterStep(int epoch, int batch, int batchSamples, float? loss)
    {
        if (!Enabled) return;
        samples += batchSamples;
        if (loss is { } l) lastLoss = l;
        int done = batch + 1;
        if (bar)
        {
            long now = clock.ElapsedTicks;
            if (done < batchesPerEpoch && now - lastDrawTicks < Stopwatch.Frequency / 10) return;
            lastDrawTicks = now;
            string text = Describe(epoch, done);
            error.Write("\r" + text.PadRight(width));
            width = text.Length;
            error.Flush();
        }
        else
        {
            int tenth = Math.Max(1, batchesPerEpoch / 10);
            if (done % tenth == 0 || done == batchesPerEpoch)
                error.WriteLine("progress: " + Describe(epoch, done));
        }
    }

    /// <summary>Clears the bar so the next stdout line starts clean.</summary>
    public void EndEpoch()
    {
        if (!Enabled || !bar || width == 0) return;
        error.Write("\r" + new string(' ', width) + "\r");
        error.Flush();
        width = 0;
    }

    private string Describe(int epoch, int done)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        int stepsDone = done - startBatch;
        double perSecond = seconds > 0 ? samples / seconds : 0;
        double eta = stepsDone > 0 ? seconds / stepsDone * (batchesPerEpoch - done) : 0;
        string loss = lastLoss is { } l ? l.ToString("F4", CultureInfo.InvariantCulture) : "-";
        string barText = "";
        if (bar)
        {
            int filled = (int)((long)done * 20 / batchesPerEpoch);
            barText = "[" + new string('=', filled) + new string(' ', 20 - filled) + "] ";
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch + 1}/{epochs} {barText}{done}/{batchesPerEpoch}  loss {loss}  {perSecond:F0} samples/s  ETA {Eta(eta)}");
    }

    private static string Eta(double seconds) =>
        seconds >= 3600 ? TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : TimeSpan.FromSeconds(Math.Ceiling(seconds)).ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
