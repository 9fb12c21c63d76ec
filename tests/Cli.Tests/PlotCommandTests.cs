using SkiaSharp;
using Trainer.Cli.Commands;
using Trainer.Cli.Plotting;

namespace Trainer.Cli.Tests;

/// <summary>`trainer plot`: a metrics log drawn as a PNG, and every way it can be refused.</summary>
public class PlotCommandTests
{
    private const string GoodStep = "{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":0.1,\"samples_per_s\":5}";

    private static SKBitmap Plot(TempDirectory dir, params string[] extra)
    {
        string metrics = dir.File("metrics.jsonl");
        if (!File.Exists(metrics)) SyntheticMetrics.Write(metrics);
        string png = dir.File("curves.png");
        var result = Cli.Run(["plot", metrics, "--out", png, .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        Assert.False(File.Exists(png + ".tmp"));
        return SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException($"{png} does not decode");
    }

    private static bool Near(SKColor a, SKColor b, int tolerance) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;

    private static int Count(SKBitmap image, SKRectI region, Func<SKColor, bool> match)
    {
        int n = 0;
        for (int y = region.Top; y < region.Bottom; y++)
            for (int x = region.Left; x < region.Right; x++)
                if (match(image.GetPixel(x, y))) n++;
        return n;
    }

    private static bool Dark(SKColor c) => c.Red < 110 && c.Green < 110 && c.Blue < 110;

    [Fact]
    public void Default_size_png_with_both_curves_in_their_panels()
    {
        using var dir = new TempDirectory();
        using var image = Plot(dir);

        Assert.Equal((1200, 500), (image.Width, image.Height));
        var left = new SKRectI(0, TrainingCurvesChart.TitleBand, 600, 500);
        var right = new SKRectI(600, TrainingCurvesChart.TitleBand, 1200, 500);
        Assert.True(Count(image, left, c => Near(c, TrainingCurvesChart.TrainLossColour, 12)) > 200, "no training-loss line in the left panel");
        Assert.True(Count(image, left, c => Near(c, TrainingCurvesChart.TestLossColour, 12)) > 20, "no test-loss markers in the left panel");
        Assert.True(Count(image, right, c => Near(c, TrainingCurvesChart.AccuracyColour, 12)) > 100, "no accuracy line in the right panel");
        Assert.Equal(0, Count(image, right, c => Near(c, TrainingCurvesChart.TrainLossColour, 12)));
        Assert.Equal(0, Count(image, left, c => Near(c, TrainingCurvesChart.AccuracyColour, 12)));
    }

    [Fact]
    public void Title_tick_labels_and_axis_titles_are_drawn()
    {
        using var dir = new TempDirectory();
        using var image = Plot(dir, "--width", "900", "--height", "400");

        Assert.Equal((900, 400), (image.Width, image.Height));
        int plotBottom = 400 - TrainingCurvesChart.MarginBottom;
        foreach (int panel in new[] { 0, 450 })
        {
            var underXAxis = new SKRectI(panel + TrainingCurvesChart.MarginLeft, plotBottom + 8, panel + 450 - TrainingCurvesChart.MarginRight, 400);
            var leftOfYAxis = new SKRectI(panel, TrainingCurvesChart.TitleBand, panel + TrainingCurvesChart.MarginLeft - 6, plotBottom);
            Assert.True(Count(image, underXAxis, Dark) > 150, $"panel at x={panel}: no x tick labels or title");
            Assert.True(Count(image, leftOfYAxis, Dark) > 150, $"panel at x={panel}: no y tick labels or title");
        }
        Assert.True(Count(image, new SKRectI(0, 0, 900, TrainingCurvesChart.TitleBand), Dark) > 200, "no title");
    }

    [Fact]
    public void Replaces_an_existing_png_and_reports_what_it_drew()
    {
        using var dir = new TempDirectory();
        string metrics = dir.File("metrics.jsonl");
        SyntheticMetrics.Write(metrics);
        File.WriteAllText(dir.File("curves.png"), "old");

        var result = Cli.Run("plot", "--out", dir.File("curves.png"), metrics);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"wrote 1200x500 plot of 314 step records and 2 epoch records to {dir.File("curves.png")}\n", result.Stdout);
        Assert.NotNull(SKBitmap.Decode(dir.File("curves.png")));
        Assert.Equal(["curves.png", "metrics.jsonl"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Non_finite_losses_are_left_out_and_said_so()
    {
        using var dir = new TempDirectory();
        string metrics = dir.File("metrics.jsonl");
        File.WriteAllLines(metrics, [GoodStep, GoodStep.Replace("\"step\":0,\"loss\":1", "\"step\":1,\"loss\":\"NaN\""), GoodStep.Replace("\"step\":0", "\"step\":2")]);

        var result = Cli.Run("plot", metrics, "--out", dir.File("c.png"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("; 1 non-finite step loss left out of the curve\n", result.Stdout);
    }

    [Fact]
    public void Missing_input_is_exit_1()
    {
        using var dir = new TempDirectory();
        var result = Cli.Run("plot", dir.File("none.jsonl"), "--out", dir.File("c.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {dir.File("none.jsonl")}: no such file", result.SingleErrorLine());
    }

    [Fact]
    public void Empty_metrics_file_is_exit_1()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("m.jsonl"), "");

        var result = Cli.Run("plot", dir.File("m.jsonl"), "--out", dir.File("c.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {dir.File("m.jsonl")}: no records (expected JSON Lines with \"kind\":\"step\" records)", result.SingleErrorLine());
        Assert.False(File.Exists(dir.File("c.png")));
    }

    [Fact]
    public void Only_epoch_records_is_exit_1()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("m.jsonl"), "{\"kind\":\"epoch\",\"epoch\":1,\"step\":157,\"loss\":0.48,\"lr\":0.01,\"samples_per_s\":4000.1,\"test_accuracy\":0.873,\"test_loss\":0.41}\n");

        var result = Cli.Run("plot", dir.File("m.jsonl"), "--out", dir.File("c.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {dir.File("m.jsonl")}: no step records, only 1 epoch record(s); nothing to draw the loss curve from", result.SingleErrorLine());
    }

    [Fact]
    public void Malformed_line_is_exit_1_naming_file_and_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("m.jsonl"), [GoodStep, "{\"kind\":\"step\"}}"]); // a cut-off record is a torn line instead: MetricsFailureTests

        var result = Cli.Run("plot", dir.File("m.jsonl"), "--out", dir.File("c.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {dir.File("m.jsonl")}:2: not valid JSON", result.SingleErrorLine());
    }

    [Fact]
    public void Out_in_a_missing_directory_or_on_a_directory_is_exit_1()
    {
        using var dir = new TempDirectory();
        SyntheticMetrics.Write(dir.File("m.jsonl"));
        string missing = Path.Combine(dir.Path, "no-such-dir", "c.png");

        var inMissing = Cli.Run("plot", dir.File("m.jsonl"), "--out", missing);
        var onDirectory = Cli.Run("plot", dir.File("m.jsonl"), "--out", dir.Path);

        Assert.Equal(1, inMissing.ExitCode);
        Assert.Equal($"error: --out '{missing}': directory '{Path.GetDirectoryName(missing)}' does not exist", inMissing.SingleErrorLine());
        Assert.Equal(1, onDirectory.ExitCode);
        Assert.Equal($"error: --out '{dir.Path}': is a directory", onDirectory.SingleErrorLine());
    }

    [Theory]
    [InlineData(new[] { "plot", "--out", "c.png" }, "plot needs a metrics file (FILE.jsonl)")]
    [InlineData(new[] { "plot", "m.jsonl" }, "--out FILE.png is required")]
    [InlineData(new[] { "plot", "m.jsonl", "--out" }, "--out needs a value")]
    [InlineData(new[] { "plot", "m.jsonl", "other.jsonl", "--out", "c.png" }, "unexpected argument 'other.jsonl'")]
    [InlineData(new[] { "plot", "m.jsonl", "--out", "c.png", "--width", "100" }, "--width must be from 400 to 8000, got '100'")]
    [InlineData(new[] { "plot", "m.jsonl", "--out", "c.png", "--height", "x" }, "--height must be a positive integer, got 'x'")]
    public void Usage_errors_are_exit_2(string[] args, string message)
    {
        var result = Cli.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message} (see 'trainer plot --help')", result.SingleErrorLine());
    }

    [Fact]
    public void Help_prints_the_usage()
    {
        var result = Cli.Run("plot", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(PlotCommand.Usage + "\n", result.Stdout);
        Assert.Contains("  plot ", Program.Usage);
    }
}
