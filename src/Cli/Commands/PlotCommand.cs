using System.Globalization;
using Trainer.Cli.Plotting;
using Trainer.Training.IO;
using Trainer.Training.Metrics;
using Trainer.Cli.IO;

namespace Trainer.Cli.Commands;

/// <summary>`trainer plot`: a metrics log (JSON Lines, see <see cref="MetricsLog"/>) drawn as loss and accuracy curves in a PNG.</summary>
public static class PlotCommand
{
    public static readonly OptionTable Options = new(
        new CommandOption("--out", "FILE.png", "where to write the picture (required)"),
        new CommandOption("--width", "PX", $"picture width, {TrainingCurvesChart.MinWidth} to {TrainingCurvesChart.MaxSide} (default 1200)"),
        new CommandOption("--height", "PX", $"picture height, {TrainingCurvesChart.MinHeight} to {TrainingCurvesChart.MaxSide} (default 500)"));

    private static IReadOnlyList<string> ValueFlags => Options.ValueFlags;

    public static readonly string Usage =
        "usage: trainer plot FILE.jsonl --out curves.png [--width 1200] [--height 500]\n" +
        "  FILE.jsonl: the metrics log 'trainer train --metrics' writes (one JSON object per line).\n" +
        "  Left panel: training loss per step, with each epoch's test loss as a marker; right panel:\n" +
        "  test accuracy (%) at the end of each epoch; both against the global step.\n" +
        Options.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output) => Run(args, output, TextWriter.Null);

    /// <summary>Draws the log; warnings (torn lines skipped) go to <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (input, flags) = SplitPositional(args);
        var r = Options.Read("plot", flags);
        if (input is null) throw r.Error("plot needs a metrics file (FILE.jsonl)");
        string outPath = r.String("--out") ?? throw r.Error("--out FILE.png is required");
        int width = r.PositiveInt("--width", 1200);
        int height = r.PositiveInt("--height", 500);
        if (width is < TrainingCurvesChart.MinWidth or > TrainingCurvesChart.MaxSide)
            throw r.Error($"--width must be from {TrainingCurvesChart.MinWidth} to {TrainingCurvesChart.MaxSide}, got '{width}'");
        if (height is < TrainingCurvesChart.MinHeight or > TrainingCurvesChart.MaxSide)
            throw r.Error($"--height must be from {TrainingCurvesChart.MinHeight} to {TrainingCurvesChart.MaxSide}, got '{height}'");
        OutputPath.Check("--out", outPath);
        new InputFiles().Add("the metrics log", input).CheckOutput("--out", outPath);

        var records = MetricsLog.Read(input, warning => error.WriteLine($"warning: {warning}"));
        int stepCount = records.Count(x => x.IsStep), epochCount = records.Count(x => x.IsEpoch);
        if (stepCount == 0)
            throw new IOException(records.Count == 0
                ? $"{input}: no records (expected JSON Lines with \"kind\":\"step\" records)"
                : $"{input}: no step records, only {epochCount} epoch record(s); nothing to draw the loss curve from");

        string title = $"Training curves: {Path.GetFileName(input)} ({Plural(epochCount, "epoch")}, {Plural(stepCount, "logged step")})";
        byte[] png = TrainingCurvesChart.RenderPng(records, title, width, height);
        new InputFiles().Add("the metrics log", input).CheckOutput("--out", outPath); // again: the name may have changed while drawing
        DurableFile.WriteAllBytes(outPath, png);

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

    private static string Plural(int n, string one, string? many = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");
}
