using System.Globalization;

namespace Trainer.Cli.Plotting;

/// <summary>
/// A linear axis from <see cref="Min"/> to <see cref="Max"/> with ticks every <see cref="Step"/>,
/// all "nice" numbers (1, 2 or 5 times a power of ten) so the labels read cleanly.
/// </summary>
internal readonly record struct AxisScale(double Min, double Max, double Step)
{
    /// <summary>
    /// The smallest nice axis covering <paramref name="low"/>..<paramref name="high"/> with about
    /// <paramref name="ticks"/> intervals. An empty range (one value) is widened by 1 either side, or
    /// by 10% of the value when that is larger, so a single point still sits inside a readable axis.
    /// </summary>
    public static AxisScale Nice(double low, double high, int ticks = 7)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
            throw new ArgumentException($"axis range must be finite and ordered, got {low}..{high}");
        if (low == high)
        {
            double pad = Math.Max(1, Math.Abs(low) * 0.1);
            (low, high) = (low - pad, high + pad);
        }
        double step = NiceStep((high - low) / ticks);
        return new AxisScale(Math.Floor(low / step) * step, Math.Ceiling(high / step) * step, step);
    }

    /// <summary>This axis with its ends moved inward to <paramref name="floor"/>/<paramref name="ceiling"/> where it went past them.</summary>
    public AxisScale Within(double floor, double ceiling) => this with { Min = Math.Max(Min, floor), Max = Math.Min(Max, ceiling) };

    /// <summary>The tick values from Min to Max inclusive.</summary>
    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Max - Min) / Step);
        double first = Math.Ceiling(Min / Step - 1e-9) * Step;
        for (int i = 0; i <= count; i++)
        {
            double tick = first + i * Step;
            if (tick > Max + Step * 1e-9) yield break;
            yield return Math.Abs(tick) < Step * 1e-9 ? 0 : tick;
        }
    }

    /// <summary>A tick label with just enough decimals for the step (step 0.05 -> "0.35", step 50 -> "150").</summary>
    public string Label(double value)
    {
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(Step) - 1e-9));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>Where <paramref name="value"/> falls between <paramref name="from"/> (at Min) and <paramref name="to"/> (at Max).</summary>
    public float Map(double value, float from, float to) => (float)(from + (value - Min) / (Max - Min) * (to - from));

    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
