using System.Globalization;
using Trainer.Cli.Plotting;
using Trainer.Training.Metrics;

namespace Trainer.Cli.Commands;

/// <summary>`trainer plot`: a metrics log (JSON Lines, see <see cref="MetricsLog"/>) drawn as loss and accuracy curves in a PNG.</summary>
public static class PlotCommand
{
    public const string Usage =
        "usage: trainer plot FILE.jsonl --out curves.png [--width 1200] [--height 500]\n" +
        "  FILE.jsonl: the metrics log a training run writes (one JSON object per line).\n" +
        "  Left panel: training loss per step, with each epoch's test loss as a marker; right panel:\n" +
        "  test accuracy (%) at the end of each epoch; both against the global step.";

    private static readonly string[] ValueFlags = ["--out", "--width", "--height"];

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var (input, flags) = SplitPositional(args);
        var r = new ArgumentReader("plot", flags, ValueFlags, []);
        if (input is null) throw r.Error("plot needs a metrics file (FILE.jsonl)");
        string outPath = r.String("--out") ?? throw r.Error("--out FILE.png is required");
        int width = r.PositiveInt("--width", 1200);
        int height = r.PositiveInt("--height", 500);
        if (width is < TrainingCurvesChart.MinWidth or > TrainingCurvesChart.MaxSide)
            throw r.Error($"--width must be from {TrainingCurvesChart.MinWidth} to {TrainingCurvesChart.MaxSide}, got '{width}'");
        if (height is < TrainingCurvesChart.MinHeight or > TrainingCurvesChart.MaxSide)
            throw r.Error($"--height must be from {TrainingCurvesChart.MinHeight} to {TrainingCurvesChart.MaxSide}, got '{height}'");
        CheckOutputPath(outPath);

        var records = MetricsLog.Read(input);
        int stepCount = records.Count(x => x.IsStep), epochCount = records.Count(x => x.IsEpoch);
        if (stepCount == 0)
            throw new IOException(records.Count == 0
                ? $"{input}: no records (expected JSON Lines with \"kind\":\"step\" records)"
                : $"{input}: no step records, only {epochCount} epoch record(s); nothing to draw the loss curve from");

        string title = $"Training curves: {Path.GetFileName(input)} ({Plural(epochCount, "epoch")}, {Plural(stepCount, "step")})";
        byte[] png = TrainingCurvesChart.RenderPng(records, title, width, height);
        WriteReplacing(outPath, png);

        int nonFinite = records.Count(x => x.IsStep && !double.IsFinite(x.Loss));
        string skipped = nonFinite == 0 ? "" : $"; {Plural(nonFinite, "non-finite step loss", "non-finite step losses")} left out of the curve";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {width}x{height} plot of {Plural(stepCount, "step record")} and {Plural(epochCount, "epoch record")} to {outPath}{skipped}"));
        return 0;
    }

    /// <summary>The one argument that is neither a flag nor a flag's value, and the rest; a second such argument is left for the reader to reject.</summary>
    private static (string? Input, List<string> Flags) SplitPositional(IReadOnlyList<string> args)
    {
        string? input = null;
        var flags = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (ValueFlags.Contains(arg) && i + 1 < args.Count)
            {
                flags.Add(arg);
                flags.Add(args[++i]);
            }
            else if (input is null && !arg.StartsWith('-'))
            {
                input = arg;
            }
            else
            {
                flags.Add(arg);
            }
        }
        return (input, flags);
    }

    /// <summary>Fails before any drawing when the PNG could not be written: a missing directory, or a directory in the file's place.</summary>
    private static void CheckOutputPath(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new IOException($"--out {path}: directory '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"--out {path}: is a directory, expected a file name such as curves.png");
    }

    /// <summary>
    /// Writes the bytes beside the target and renames them over it, so a reader never sees half a PNG.
    /// Once AtomicFile has its durable byte writer (being rewritten elsewhere) this should use it.
    /// </summary>
    private static void WriteReplacing(string path, byte[] bytes)
    {
        string temp = path + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string Plural(int n, string one, string? many = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");
}
