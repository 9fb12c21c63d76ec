using SkiaSharp;
using Trainer.Cli.Plotting;

namespace Trainer.Cli.Tests.Plotting;

/// <summary>Thinning keeps, per run of points in one pixel column, exactly what the column shows: its first, lowest, highest and last point.</summary>
public sealed class PolylineThinningTests
{
    /// <summary>The reference: group consecutive points by column, keep the set {first, min, max, last} in their order (ties to the earliest).</summary>
    private static List<SKPoint?> Reference(IReadOnlyList<SKPoint?> points)
    {
        var kept = new List<SKPoint?>();
        int i = 0;
        while (i < points.Count)
        {
            if (points[i] is null) { kept.Add(null); i++; continue; }
            int column = (int)Math.Floor(points[i]!.Value.X), start = i;
            while (i < points.Count && points[i] is { } p && (int)Math.Floor(p.X) == column) i++;
            var run = Enumerable.Range(start, i - start).ToList();
            int low = run.OrderBy(k => points[k]!.Value.Y).ThenBy(k => k).First();
            int high = run.OrderByDescending(k => points[k]!.Value.Y).ThenBy(k => k).First();
            foreach (int k in new[] { start, low, high, i - 1 }.Distinct().Order()) kept.Add(points[k]);
        }
        return kept;
    }

    public static TheoryData<int, int> Sizes() => new() { { 1, 1 }, { 7, 3 }, { 63, 5 }, { 65, 65 }, { 257, 13 }, { 300_000, 800 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Matches_the_reference_and_keeps_at_most_four_points_a_column(int count, int columns)
    {
        var random = new Random(count);
        var points = new List<SKPoint?>();
        for (int i = 0; i < count; i++)
            points.Add(i % 97 == 50 ? null : new SKPoint(columns * (float)i / count, (float)random.NextDouble() * 400));
        var thinned = PolylineThinning.Thin(points);
        Assert.Equal(Reference(points), thinned);
        int breaks = points.Count(p => p is null);
        Assert.True(thinned.Count <= 4 * (columns + 1) * (breaks + 1) + breaks, $"{thinned.Count} points for {columns} columns");
    }

    [Fact]
    public void Keeps_the_extremes_of_a_column_in_their_order()
    {
        SKPoint?[] points = [new SKPoint(0.1f, 5), new SKPoint(0.2f, 9), new SKPoint(0.3f, 1), new SKPoint(0.4f, 4), new SKPoint(0.5f, 6), new SKPoint(1.5f, 2)];
        Assert.Equal([points[0], points[1], points[2], points[4], points[5]], PolylineThinning.Thin(points));
    }
}
