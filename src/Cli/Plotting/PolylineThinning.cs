using SkiaSharp;

namespace Trainer.Cli.Plotting;

/// <summary>
/// Reduces a polyline to what a picture can show: of each run of consecutive points that fall in the same pixel
/// column it keeps the first, the lowest, the highest and the last, in their order (the M4 rule), so the drawn line
/// looks the same at that resolution while a chart of 300,000 steps strokes a few thousand points. One pass, linear
/// in the points; at most four points per column for steps that only increase.
/// </summary>
internal static class PolylineThinning
{
    /// <summary>
    /// Thins <paramref name="points"/> (pixel coordinates; null breaks the line) and returns them in the same form:
    /// breaks are kept, and each column run's kept points in their original order.
    /// </summary>
    public static List<SKPoint?> Thin(IEnumerable<SKPoint?> points)
    {
        var kept = new List<SKPoint?>();
        var run = new ColumnRun();
        foreach (var point in points)
        {
            if (point is not { } p)
            {
                run.FlushTo(kept);
                kept.Add(null);
                continue;
            }
            int column = (int)MathF.Floor(p.X);
            if (run.Count > 0 && run.Column != column) run.FlushTo(kept);
            run.Add(column, p);
        }
        run.FlushTo(kept);
        return kept;
    }

    /// <summary>The consecutive points of one pixel column seen so far: first, lowest, highest and last, with their positions.</summary>
    private struct ColumnRun
    {
        public int Column;
        public int Count;
        private (int Index, SKPoint Point) first, low, high, last;

        public void Add(int column, SKPoint p)
        {
            Column = column;
            var entry = (Count, p);
            if (Count == 0) first = low = high = entry;
            if (p.Y < low.Point.Y) low = entry;
            if (p.Y > high.Point.Y) high = entry;
            last = entry;
            Count++;
        }

        public void FlushTo(List<SKPoint?> kept)
        {
            if (Count == 0) return;
            var chosen = new[] { first, low, high, last };
            Array.Sort(chosen, (a, b) => a.Index.CompareTo(b.Index));
            int previous = -1;
            foreach (var (index, point) in chosen)
            {
                if (index == previous) continue;
                kept.Add(point);
                previous = index;
            }
            Count = 0;
        }
    }
}
