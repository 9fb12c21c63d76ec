using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
namespace Trainer.Cli.Diagnostics;

/// <summary>
/// How far two runs' per-step losses are apart, step by step over the shorter run: what `trainer compare`, the
/// self-test's mode agreement and its CUDA-graph replay check each judge by. A non-finite loss in either run makes
/// the difference NaN, which fails every tolerance: a diverged run agrees with nothing (a plain Max over the
/// differences would skip NaN and report the finite steps only).
/// </summary>
internal static class LossDifference
{
    /// <summary>The largest |a - b|.</summary>
    public static double MaxAbsolute(float[] a, float[] b) => Max(a, b, relative: false);

    /// <summary>The largest |e - a| / max(|e|, 1e-30).</summary>
    public static double MaxRelative(float[] expected, float[] actual) => Max(expected, actual, relative: true);

    /// <summary>The first step whose losses differ in any bit (or where one run ends before the other), or -1.</summary>
    public static int FirstBitDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length) return Math.Min(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return i;
        return -1;
    }

    private static double Max(float[] expected, float[] actual, bool relative)
    {
        double max = 0;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            double e = expected[i], a = actual[i];
            if (!double.IsFinite(e) || !double.IsFinite(a)) return double.NaN;
            double difference = Math.Abs(e - a);
            max = Math.Max(max, relative ? difference / Math.Max(Math.Abs(e), 1e-30) : difference);
        }
        return max;
    }
}
