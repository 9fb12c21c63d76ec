namespace Trainer.Training.Tests.Execution;

/// <summary>Central differences of a float64 loss, the independent reference every gradient test checks autodiff against.</summary>
internal static class FiniteDifference
{
    /// <summary>h: with float64 losses of these small models, differences are good to about 1e-9.</summary>
    public const double Step = 1e-6;

    /// <summary>d loss / d values[k] as (loss(v + h) − loss(v − h)) / 2h; values[k] is restored.</summary>
    public static double Derivative(double[] values, int k, Func<double> loss)
    {
        double saved = values[k];
        values[k] = saved + Step;
        double plus = loss();
        values[k] = saved - Step;
        double minus = loss();
        values[k] = saved;
        return (plus - minus) / (2 * Step);
    }

    /// <summary>
    /// Every element of <paramref name="autodiff"/> against the derivative of <paramref name="loss"/>
    /// with respect to the same element of <paramref name="values"/>, within 2e-5 + 1e-3·|expected|
    /// (float32 forward and backward carry about 1e-6 relative error).
    /// </summary>
    public static void AssertGradient(double[] values, float[] autodiff, Func<double> loss, string name)
    {
        Assert.Equal(values.Length, autodiff.Length);
        for (int k = 0; k < values.Length; k++)
        {
            double expected = Derivative(values, k, loss);
            Assert.True(Math.Abs(expected - autodiff[k]) <= 2e-5 + 1e-3 * Math.Abs(expected),
                $"{name}[{k}]: finite difference {expected:G9}, autodiff {autodiff[k]:G9}");
        }
    }
}
