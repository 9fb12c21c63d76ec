using System.Globalization;
using System.Text;

namespace Trainer.Training.Metrics;

/// <summary>
/// Appends training metrics to a JSON Lines file in the schema that <see cref="MetricsLog"/> documents
/// and reads: one object per call, flushed to the operating system as soon as it is written so that
/// `trainer plot` can read a run that is still going and a crash loses at most the line in progress.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter writer;
    private readonly StringBuilder line = new();

    /// <summary>Opens <paramref name="path"/> for appending, creating it if needed; readers may open it meanwhile.</summary>
    public MetricsWriter(string path)
    {
        Path = path;
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
    }

    public string Path { get; }

    /// <summary>Appends a "step" record.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is below 1 or <paramref name="step"/> is negative.</exception>
    public void WriteStep(int epoch, long step, double loss, double lr, double samplesPerSecond)
    {
        Start(MetricsRecord.StepKind, epoch, step, loss, lr, samplesPerSecond);
        Finish();
    }

    /// <summary>Appends an "epoch" record; <paramref name="testAccuracy"/> is a fraction 0..1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="epoch"/> is below 1, <paramref name="step"/> is negative, or <paramref name="testAccuracy"/> is not within 0..1.
    /// </exception>
    public void WriteEpoch(int epoch, long step, double loss, double lr, double samplesPerSecond, double testAccuracy, double testLoss)
    {
        if (!(testAccuracy >= 0 && testAccuracy <= 1))
            throw new ArgumentOutOfRangeException(nameof(testAccuracy), testAccuracy, "a fraction from 0 to 1");
        Start(MetricsRecord.EpochKind, epoch, step, loss, lr, samplesPerSecond);
        line.Append(",\"test_accuracy\":").Append(Format(testAccuracy));
        line.Append(",\"test_loss\":").Append(Format(testLoss));
        Finish();
    }

    public void Dispose() => writer.Dispose();

    private void Start(string kind, int epoch, long step, double loss, double lr, double samplesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        line.Clear();
        line.Append("{\"kind\":\"").Append(kind).Append('"');
        line.Append(",\"epoch\":").Append(epoch.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"step\":").Append(step.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"loss\":").Append(Format(loss));
        line.Append(",\"lr\":").Append(Format(lr));
        line.Append(",\"samples_per_s\":").Append(Format(samplesPerSecond));
    }

    private void Finish()
    {
        line.Append('}');
        writer.WriteLine(line);
        writer.Flush();
    }

    /// <summary>The shortest round-tripping text ("R" is that since .NET Core 3.0); non-finite values as JSON strings.</summary>
    private static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture)
        : double.IsNaN(value) ? "\"NaN\""
        : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
}
