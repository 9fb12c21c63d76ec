using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trainer.Training.Metrics;

/// <summary>
/// Reads a training metrics log: JSON Lines, one object per line, written by <see cref="MetricsWriter"/>.
/// </summary>
/// <remarks>
/// <para>Two kinds of line, fields in this order:</para>
/// <code>
/// {"kind":"step","epoch":1,"step":100,"loss":0.52,"lr":0.01,"samples_per_s":4100.5}
/// {"kind":"epoch","epoch":1,"step":157,"loss":0.48,"lr":0.01,"samples_per_s":4000.1,"test_accuracy":0.873,"test_loss":0.41}
/// </code>
/// <list type="bullet">
/// <item><c>kind</c>: "step" after a training step, "epoch" at the end of an epoch.</item>
/// <item><c>epoch</c>: integer, counted from 1.</item>
/// <item><c>step</c>: integer, the global step counted from 0 over all epochs; an epoch record carries
/// the number of steps taken by the end of that epoch.</item>
/// <item><c>loss</c>, <c>lr</c>, <c>samples_per_s</c>: numbers; training loss (the step's, or the
/// epoch's mean), learning rate, training throughput.</item>
/// <item><c>test_accuracy</c> (a fraction 0..1, not a percentage) and <c>test_loss</c>: numbers,
/// required on epoch records, optional on step records.</item>
/// </list>
/// <para>
/// Numbers use the invariant culture and the shortest text that round-trips the double. JSON has no
/// NaN or infinity, so a non-finite value (a diverged loss) is written as the string "NaN",
/// "Infinity" or "-Infinity", as System.Text.Json's named floating-point literals do. Fields not
/// listed are ignored, so later writers may add some; blank lines are skipped. The file is UTF-8
/// with "\n" line ends. A torn line (the start of a record cut off by a full disk or a killed writer) is
/// skipped with a warning; a line longer than <see cref="MaxLineBytes"/> is an error.
/// </para>
/// </remarks>
public static class MetricsLog
{
    /// <summary>The longest line read, in bytes: a record is some 200 bytes, so anything near this is not one, and reading stops there rather than buffering it.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Every record of the log at <paramref name="path"/>, in file order.</summary>
    /// <param name="path">The log.</param>
    /// <param name="warn">
    /// Told, in one line naming the file and line, of each torn line skipped: a record cut off part-way (a full disk or
    /// a killed writer), i.e. the start of a JSON object that ends before the object does. Without it they are skipped silently.
    /// </param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The path is a directory or cannot be read.</exception>
    /// <exception cref="MetricsFormatException">
    /// A line is not a JSON object of the schema above (and not a torn one), or is longer than <see cref="MaxLineBytes"/>;
    /// the one-line message names the file and the line number.
    /// </exception>
    public static IReadOnlyList<MetricsRecord> Read(string path, Action<string>? warn = null)
    {
        if (Directory.Exists(path)) throw new IOException($"{path}: is a directory, not a metrics file");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var records = new List<MetricsRecord>();
        // Opened without blocking, so a FIFO is refused instead of hanging; a trainer may still be appending.
        using var stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new IOException($"{path}: {problem}");
        var lines = new BoundedLineReader(stream, MaxLineBytes);
        int lineNumber = 0;
        while (lines.Next() is { } bytes)
        {
            lineNumber++;
            string where = $"{path}:{lineNumber}";
            if (bytes.IsEmpty && lines.Overlong)
                throw new MetricsFormatException($"{where}: line longer than {MaxLineBytes} bytes; a metrics record is one short JSON object per line");
            var text = bytes.Span;
            if (text.Trim(" \t\r"u8).IsEmpty) continue;
            if (IsTorn(text))
            {
                warn?.Invoke($"{where}: skipped a torn line (a record cut off part-way, e.g. by a full disk)");
                continue;
            }
            records.Add(Parse(Encoding.UTF8.GetString(text), where));
        }
        return records;
    }

    /// <summary>Whether <paramref name="line"/> is the beginning of a JSON object that stops before the object ends: what a cut-off write leaves.</summary>
    private static bool IsTorn(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read())
                if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject) return false;
            return true; // ran out of input inside the object
        }
        catch (JsonException)
        {
            return false; // malformed, not merely short: the parser's error says where
        }
    }

    /// <summary>One line of the log; <paramref name="where"/> ("file:line") starts every error message.</summary>
    internal static MetricsRecord Parse(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new MetricsFormatException($"{where}: not valid JSON (column {e.BytePositionInLine + 1}); expected one object per line", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new MetricsFormatException($"{where}: expected a JSON object, got {Describe(root)}");
            string kind = Kind(root, where);
            bool epochRecord = kind == MetricsRecord.EpochKind;
            long epoch = Integer(root, "epoch", where, minimum: 1);
            if (epoch > int.MaxValue) throw new MetricsFormatException($"{where}: \"epoch\" must be at most {int.MaxValue}, got {epoch}");
            double? accuracy = OptionalNumber(root, "test_accuracy", where, required: epochRecord);
            if (accuracy is { } a && !(a >= 0 && a <= 1))
                throw new MetricsFormatException($"{where}: \"test_accuracy\" must be a fraction from 0 to 1, got {a.ToString("R", CultureInfo.InvariantCulture)}");
            return new MetricsRecord(
                kind,
                (int)epoch,
                Integer(root, "step", where, minimum: 0),
                Number(root, "loss", where),
                Number(root, "lr", where),
                Number(root, "samples_per_s", where),
                accuracy,
                OptionalNumber(root, "test_loss", where, required: epochRecord));
        }
    }

    private static string Kind(JsonElement root, string where)
    {
        if (!root.TryGetProperty("kind", out var value))
            throw new MetricsFormatException($"{where}: missing \"kind\" (expected \"step\" or \"epoch\")");
        if (value.ValueKind == JsonValueKind.String && value.GetString() is MetricsRecord.StepKind or MetricsRecord.EpochKind)
            return value.GetString()!;
        throw new MetricsFormatException($"{where}: \"kind\" must be \"step\" or \"epoch\", got {Describe(value)}");
    }

    private static long Integer(JsonElement root, string name, string where, long minimum)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new MetricsFormatException($"{where}: missing \"{name}\" (expected an integer)");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long v))
            throw new MetricsFormatException($"{where}: \"{name}\" must be an integer, got {Describe(value)}");
        if (v < minimum)
            throw new MetricsFormatException($"{where}: \"{name}\" must be at least {minimum}, got {v}");
        return v;
    }

    private static double Number(JsonElement root, string name, string where) =>
        OptionalNumber(root, name, where, required: true)!.Value;

    private static double? OptionalNumber(JsonElement root, string name, string where, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return required ? throw new MetricsFormatException($"{where}: missing \"{name}\" (expected a number)") : null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double v)) return v;
        if (value.ValueKind == JsonValueKind.String)
        {
            switch (value.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }
        throw new MetricsFormatException($"{where}: \"{name}\" must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got {Describe(value)}");
    }

    /// <summary>A short, single-line rendering of what was found.</summary>
    private static string Describe(JsonElement value)
    {
        string text = value.GetRawText().ReplaceLineEndings(" ");
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
