using SkiaSharp;
using Trainer.Training.Metrics;

namespace Trainer.Cli.Plotting;

/// <summary>
/// Draws a metrics log as a PNG: two panels side by side over the same global-step axis. Left, the
/// training loss of every step as a line and each epoch's test loss as a marker; right, the test
/// accuracy (%) at the end of each epoch. Each panel has tick labels, axis titles and a legend, and
/// the image a title. Text is drawn with the embedded <see cref="ChartFont"/>.
/// </summary>
public static class TrainingCurvesChart
{
    internal static readonly SKColor TrainLossColour = new(0x1f, 0x77, 0xb4);
    internal static readonly SKColor TestLossColour = new(0xff, 0x7f, 0x0e);
    internal static readonly SKColor AccuracyColour = new(0x2c, 0xa0, 0x2c);
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor GridColour = new(0xe3, 0xe3, 0xe3);

    /// <summary>Height of the title band at the top.</summary>
    internal const int TitleBand = 44;
    /// <summary>Space inside each panel, around its plot area, for tick labels and axis titles.</summary>
    internal const int MarginLeft = 80, MarginRight = 24, MarginTop = 12, MarginBottom = 58;

    public const int MinWidth = 400, MinHeight = 250, MaxSide = 8000;

    /// <summary>
    /// Encodes the chart of <paramref name="records"/> as a <paramref name="width"/> x
    /// <paramref name="height"/> PNG. Non-finite losses are left out (the line breaks there).
    /// </summary>
    /// <exception cref="ArgumentException">There is no step record, or the size is outside MinWidth/MinHeight..MaxSide.</exception>
    public static byte[] RenderPng(IReadOnlyList<MetricsRecord> records, string title, int width, int height)
    {
        if (!records.Any(r => r.IsStep)) throw new ArgumentException("the chart needs at least one step record", nameof(records));
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinHeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = new SKFont(ChartFont.Typeface, 18);
        using var ink = Fill(Ink);
        canvas.DrawText(title, width / 2f, 28, SKTextAlign.Center, titleFont, ink);

        var steps = records.Where(r => r.IsStep).ToList();
        var epochs = records.Where(r => r.IsEpoch).ToList();
        var x = AxisScale.Nice(0, Math.Max(1, records.Max(r => r.Step)));
        float middle = width / 2f;
        DrawLossPanel(canvas, new SKRect(0, TitleBand, middle, height), x, steps, epochs);
        DrawAccuracyPanel(canvas, new SKRect(middle, TitleBand, width, height), x, epochs);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawLossPanel(SKCanvas canvas, SKRect panel, AxisScale x, List<MetricsRecord> steps, List<MetricsRecord> epochs)
    {
        var losses = steps.Select(r => r.Loss).Concat(epochs.Select(r => r.TestLoss ?? double.NaN)).Where(double.IsFinite).ToList();
        var y = losses.Count == 0 ? AxisScale.Nice(0, 1) : Padded(Math.Min(0, losses.Min()), losses.Max());
        var plot = PlotArea(panel);
        DrawAxes(canvas, plot, x, y, "step", "loss");

        canvas.Save();
        canvas.ClipRect(plot);
        using var line = Stroke(TrainLossColour, 1.5f);
        using var path = Polyline(steps.Select(r => (r.Step, r.Loss)), plot, x, y);
        canvas.DrawPath(path, line);
        var markers = epochs.Where(e => e.TestLoss is { } loss && double.IsFinite(loss))
            .Select(e => new SKPoint(x.Map(e.Step, plot.Left, plot.Right), y.Map(e.TestLoss!.Value, plot.Bottom, plot.Top)));
        foreach (var at in DistinctPixels(markers))
            DrawMarker(canvas, at, TestLossColour);
        canvas.Restore();

        var legend = new List<(string, SKColor, bool)> { ("training loss (per step)", TrainLossColour, false) };
        if (epochs.Count > 0) legend.Add(("test loss (end of epoch)", TestLossColour, true));
        DrawLegend(canvas, plot, legend, top: true);
    }

    private static void DrawAccuracyPanel(SKCanvas canvas, SKRect panel, AxisScale x, List<MetricsRecord> epochs)
    {
        var points = epochs.Select(r => (r.Step, Percent: 100 * (r.TestAccuracy ?? double.NaN))).Where(p => double.IsFinite(p.Percent)).ToList();
        var y = points.Count == 0
            ? new AxisScale(0, 100, 20)
            : Padded(points.Min(p => p.Percent), points.Max(p => p.Percent)).Within(0, 100);
        var plot = PlotArea(panel);
        DrawAxes(canvas, plot, x, y, "step", "test accuracy (%)");
        if (points.Count == 0)
        {
            using var font = new SKFont(ChartFont.Typeface, 14);
            using var ink = Fill(Ink);
            canvas.DrawText("no epoch records yet", plot.MidX, plot.MidY, SKTextAlign.Center, font, ink);
            return;
        }

        canvas.Save();
        canvas.ClipRect(plot);
        using var line = Stroke(AccuracyColour, 2f);
        using var path = Polyline(points.Select(p => (p.Step, p.Percent)), plot, x, y);
        canvas.DrawPath(path, line);
        foreach (var at in DistinctPixels(points.Select(p => new SKPoint(x.Map(p.Step, plot.Left, plot.Right), y.Map(p.Percent, plot.Bottom, plot.Top)))))
            DrawMarker(canvas, at, AccuracyColour);
        canvas.Restore();

        string last = $"test accuracy (last {points[^1].Percent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}%)";
        DrawLegend(canvas, plot, [(last, AccuracyColour, true)], top: false);
    }

    /// <summary>A nice axis with 4% of the range to spare at each end, so a marker on the extreme value is not cut by the frame.</summary>
    private static AxisScale Padded(double low, double high)
    {
        double pad = (high - low) * 0.04;
        return AxisScale.Nice(low == 0 ? 0 : low - pad, high + pad);
    }

    private static SKRect PlotArea(SKRect panel) =>
        new(panel.Left + MarginLeft, panel.Top + MarginTop, panel.Right - MarginRight, panel.Bottom - MarginBottom);

    /// <summary>Grid, frame, tick labels on both axes and the two axis titles.</summary>
    private static void DrawAxes(SKCanvas canvas, SKRect plot, AxisScale x, AxisScale y, string xTitle, string yTitle)
    {
        using var grid = Stroke(GridColour, 1);
        using var frame = Stroke(Ink, 1);
        using var ink = Fill(Ink);
        using var tickFont = new SKFont(ChartFont.Typeface, 12);
        using var titleFont = new SKFont(ChartFont.Typeface, 14);

        foreach (double t in x.Ticks())
        {
            float px = x.Map(t, plot.Left, plot.Right);
            canvas.DrawLine(px, plot.Top, px, plot.Bottom, grid);
            canvas.DrawLine(px, plot.Bottom, px, plot.Bottom + 5, frame);
            canvas.DrawText(x.Label(t), px, plot.Bottom + 20, SKTextAlign.Center, tickFont, ink);
        }
        foreach (double t in y.Ticks())
        {
            float py = y.Map(t, plot.Bottom, plot.Top);
            canvas.DrawLine(plot.Left, py, plot.Right, py, grid);
            canvas.DrawLine(plot.Left - 5, py, plot.Left, py, frame);
            canvas.DrawText(y.Label(t), plot.Left - 8, py + 4, SKTextAlign.Right, tickFont, ink);
        }
        canvas.DrawRect(plot, frame);
        canvas.DrawText(xTitle, plot.MidX, plot.Bottom + 44, SKTextAlign.Center, titleFont, ink);

        float yTitleX = plot.Left - MarginLeft + 20;
        canvas.Save();
        canvas.RotateDegrees(-90, yTitleX, plot.MidY);
        canvas.DrawText(yTitle, yTitleX, plot.MidY, SKTextAlign.Center, titleFont, ink);
        canvas.Restore();
    }

    /// <summary>
    /// Joins the finite points; a non-finite value ends one run of the line and the next finite value starts another.
    /// The points are thinned to what each pixel column shows (<see cref="PolylineThinning"/>), so the cost follows the
    /// picture's width, not the length of the log.
    /// </summary>
    private static SKPath Polyline(IEnumerable<(long Step, double Value)> points, SKRect plot, AxisScale x, AxisScale y)
    {
        var mapped = points.Select(point => double.IsFinite(point.Value)
            ? new SKPoint(x.Map(point.Step, plot.Left, plot.Right), y.Map(point.Value, plot.Bottom, plot.Top))
            : (SKPoint?)null);
        var path = new SKPath();
        bool drawing = false;
        foreach (var point in PolylineThinning.Thin(mapped))
        {
            if (point is not { } p)
            {
                drawing = false;
                continue;
            }
            if (drawing) path.LineTo(p);
            else path.MoveTo(p);
            drawing = true;
        }
        return path;
    }

    /// <summary>The marker positions, rounded to whole pixels, each drawn once however many records land on it.</summary>
    private static IEnumerable<SKPoint> DistinctPixels(IEnumerable<SKPoint> points)
    {
        var seen = new HashSet<(int, int)>();
        foreach (var p in points)
            if (seen.Add(((int)MathF.Round(p.X), (int)MathF.Round(p.Y)))) yield return p;
    }

    private static void DrawMarker(SKCanvas canvas, SKPoint at, SKColor colour)
    {
        using var fill = Fill(colour);
        using var edge = Stroke(Ink, 1);
        canvas.DrawCircle(at, 4.5f, fill);
        canvas.DrawCircle(at, 4.5f, edge);
    }

    /// <summary>A boxed legend in the plot's top-right or bottom-right corner; each entry a line sample or a marker.</summary>
    private static void DrawLegend(SKCanvas canvas, SKRect plot, IReadOnlyList<(string Label, SKColor Colour, bool Marker)> entries, bool top)
    {
        using var font = new SKFont(ChartFont.Typeface, 12);
        const float rowHeight = 18, pad = 8, sample = 24;
        float textWidth = entries.Max(e => font.MeasureText(e.Label));
        float boxWidth = pad + sample + 6 + textWidth + pad, boxHeight = pad + rowHeight * entries.Count + pad / 2;
        float left = plot.Right - 10 - boxWidth;
        float boxTop = top ? plot.Top + 10 : plot.Bottom - 10 - boxHeight;
        var box = new SKRect(left, boxTop, left + boxWidth, boxTop + boxHeight);

        using var background = Fill(SKColors.White.WithAlpha(230));
        using var frame = Stroke(new SKColor(0xaa, 0xaa, 0xaa), 1);
        using var ink = Fill(Ink);
        canvas.DrawRect(box, background);
        canvas.DrawRect(box, frame);
        for (int i = 0; i < entries.Count; i++)
        {
            var (label, colour, marker) = entries[i];
            float mid = box.Top + pad + rowHeight * i + rowHeight / 2 - 2;
            if (marker)
            {
                DrawMarker(canvas, new SKPoint(box.Left + pad + sample / 2, mid), colour);
            }
            else
            {
                using var line = Stroke(colour, 2);
                canvas.DrawLine(box.Left + pad, mid, box.Left + pad + sample, mid, line);
            }
            canvas.DrawText(label, box.Left + pad + sample + 6, mid + 4, SKTextAlign.Left, font, ink);
        }
    }

    private static SKPaint Fill(SKColor colour) => new() { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static SKPaint Stroke(SKColor colour, float width) =>
        new() { Color = colour, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width, StrokeJoin = SKStrokeJoin.Round };
}
