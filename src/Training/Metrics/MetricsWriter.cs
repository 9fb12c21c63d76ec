using System.Globalization;
using System.Text;

namespace Trainer.Training.Metrics;

/// <summary>
/// Appends training metrics to a JSON Lines file in the schema that <see cref="MetricsLog"/> documents
/// and reads: one object per call, handed to the operating system in one write as soon as it is made, so
/// that `trainer plot` can read a run that is still going and a crash or a full disk tears at most the
/// line in progress. A file that ends in such a torn line is appended to from a new line, so the next
/// record is never glued onto the fragment (readers skip the fragment with a warning).
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly FileStream stream;
    private readonly StringBuilder line = new();

    /// <summary>
    /// Opens <paramref name="path"/> for appending, creating it if needed; readers may open it meanwhile. Throws an
    /// <see cref="IOException"/> naming the path when it is not a regular file (a FIFO, a device: never opened, so
    /// never waited on) or cannot be opened.
    /// </summary>
    public MetricsWriter(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        if (IO.FileKind.NotRegular(path) is { } kind) throw new IOException($"'{path}': is not a regular file ({kind})");
        stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        try
        {
            if (EndsInTornLine(path)) stream.Write("\n"u8);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file is not empty and its last byte is not a line end: a record was cut off there.</summary>
    private static bool EndsInTornLine(string path)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        if (reader.Length == 0) return false;
        reader.Position = reader.Length - 1;
        return reader.ReadByte() != '\n';
    }

    /// <summary>The file the records go to.</summary>
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

    /// <summary>Closes the file.</summary>
    public void Dispose() => stream.Dispose();

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
        line.Append("}\n");
        stream.Write(Utf8NoBom.GetBytes(line.ToString())); // one write(2): no buffer to flush later

    }

    /// <summary>The shortest round-tripping text ("R" is that since .NET Core 3.0); non-finite values as JSON strings.</summary>
    private static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture)
        : double.IsNaN(value) ? "\"NaN\""
        : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
}
