using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests;

/// <summary>Elementwise comparisons that name the first failing element.</summary>
internal static class Close
{
    /// <summary>Unit roundoff of float32 (round to nearest): 2^-24 (<see cref="ErrorBounds.U"/>, shared with <c>trainer selftest</c>).</summary>
    public const double U = ErrorBounds.U;

    /// <summary>Higham's γ_n = n·u / (1 − n·u); see <see cref="ErrorBounds.Gamma"/>.</summary>
    public static double Gamma(int n) => ErrorBounds.Gamma(n);

    public static void All(double[] expected, float[] actual, Func<int, double> tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            double tol = tolerance(i);
            if (!(err <= tol))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, reference {expected[i]:R}, |error| {err:E3} > tolerance {tol:E3}");
        }
    }

    public static void Bitwise(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} differs: {expected[i]:R} vs {actual[i]:R}");
    }

    /// <summary>Asserts that <paramref name="data"/>[from..] all still hold <paramref name="sentinel"/>.</summary>
    public static void Untouched(float[] data, int from, int to, float sentinel, string what)
    {
        for (int i = from; i < to; i++)
            if (BitConverter.SingleToInt32Bits(data[i]) != BitConverter.SingleToInt32Bits(sentinel))
                Assert.Fail($"{what}: element {i} outside the written range was overwritten with {data[i]:R}");
    }
}
