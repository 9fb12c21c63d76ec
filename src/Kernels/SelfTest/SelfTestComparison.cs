using System.Globalization;

namespace Trainer.Kernels.SelfTest;

/// <summary>Turns device output, a float64 reference and per-element bounds into one <see cref="SelfTestResult"/>.</summary>
public static class SelfTestComparison
{
    /// <summary>
    /// Compares every element: it passes when |actual − expected| ≤ bound(i) (a NaN or infinite
    /// error fails). The result reports the error and bound of the element with the largest
    /// error-to-bound ratio, and on failure names the first failing element.
    /// </summary>
    public static SelfTestResult Compare(string name, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, Func<int, double> bound, double elapsedMs)
    {
        if (expected.Length != actual.Length)
            return new SelfTestResult(name, double.NaN, double.NaN, false, elapsedMs,
                $"expected {expected.Length} values, got {actual.Length}");

        double worstError = 0, worstBound = expected.Length == 0 ? 0 : bound(0), worstRatio = -1;
        string? detail = null;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            double tolerance = bound(i);
            bool ok = error <= tolerance; // false for NaN
            double ratio = ok ? (error == 0 ? 0 : error / tolerance) : double.PositiveInfinity;
            if (!ok && detail is null)
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"element {i} is {actual[i]:R}, reference {expected[i]:R}, |error| {error:E3} > bound {tolerance:E3}");
            if (ratio > worstRatio || (ratio == worstRatio && !(error <= worstError)))
            {
                worstRatio = ratio;
                worstError = error;
                worstBound = tolerance;
            }
        }
        return new SelfTestResult(name, worstError, worstBound, detail is null, elapsedMs, detail);
    }

    /// <summary><see cref="Compare(string, ReadOnlySpan{double}, ReadOnlySpan{float}, Func{int, double}, double)"/> with one bound for every element.</summary>
    public static SelfTestResult Compare(string name, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double bound, double elapsedMs) =>
        Compare(name, expected, actual, _ => bound, elapsedMs);

    /// <summary>
    /// Marks <paramref name="result"/> failed if <paramref name="guard"/> (the elements just past
    /// an output, filled with <paramref name="sentinel"/> before the launch) no longer all hold the
    /// sentinel bit for bit: the kernel wrote past its output.
    /// </summary>
    public static SelfTestResult CheckGuard(SelfTestResult result, ReadOnlySpan<float> guard, float sentinel, string what = "output")
    {
        for (int i = 0; i < guard.Length; i++)
            if (BitConverter.SingleToInt32Bits(guard[i]) != BitConverter.SingleToInt32Bits(sentinel))
                return result with
                {
                    Passed = false,
                    Detail = (result.Detail is null ? "" : result.Detail + "; ") +
                        string.Create(CultureInfo.InvariantCulture, $"wrote past the {what}: element {i} after its end is {guard[i]:R}"),
                };
        return result;
    }
}
