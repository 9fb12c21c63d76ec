using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.SelfTest;

public sealed class SelfTestComparisonTests
{
    private static readonly double[] Expected = [1.0, -2.5, 0.25, 0.125, 7.0];

    private static float[] Exact() => Array.ConvertAll(Expected, v => (float)v);

    [Fact]
    public void Exact_values_pass_with_zero_error()
    {
        var result = SelfTestComparison.Compare("exact", Expected, Exact(), 1e-6, 1.5);
        Assert.True(result.Passed, result.Detail);
        Assert.Equal(0, result.MaxError);
        Assert.Equal(1e-6, result.Bound);
        Assert.Equal(1.5, result.ElapsedMs);
        Assert.Null(result.Detail);
    }

    [Fact]
    public void A_perturbed_value_is_reported_as_failed_naming_the_element()
    {
        var got = Exact();
        got[3] += 1e-4f;
        var result = SelfTestComparison.Compare("perturbed", Expected, got, 1e-6, 0);
        Assert.False(result.Passed);
        Assert.True(result.MaxError > result.Bound, $"{result.MaxError} vs {result.Bound}");
        Assert.InRange(result.MaxError, 0.99e-4, 1.01e-4);
        Assert.NotNull(result.Detail);
        Assert.StartsWith("element 3 is ", result.Detail);
    }

    [Fact]
    public void A_value_one_ulp_past_a_zero_bound_fails()
    {
        var got = Exact();
        got[0] = MathF.BitIncrement(got[0]);
        Assert.False(SelfTestComparison.Compare("exact kernel", Expected, got, 0, 0).Passed);
    }

    [Fact]
    public void Nan_fails_even_with_an_infinite_bound()
    {
        var got = Exact();
        got[1] = float.NaN;
        var result = SelfTestComparison.Compare("nan", Expected, got, double.PositiveInfinity, 0);
        Assert.False(result.Passed);
        Assert.StartsWith("element 1 is NaN", result.Detail);
    }

    [Fact]
    public void Reports_the_element_closest_to_its_own_bound()
    {
        // Element 0 has the largest error but a loose bound; element 2 is nearer its tight bound.
        double[] expected = [0, 0, 0];
        float[] got = [1e-3f, 0, 1e-6f];
        double[] bounds = [1.0, 1.0, 2e-6];
        var result = SelfTestComparison.Compare("ratio", expected, got, i => bounds[i], 0);
        Assert.True(result.Passed);
        Assert.Equal(1e-6, result.MaxError, 1e-12);
        Assert.Equal(2e-6, result.Bound);
    }

    [Fact]
    public void Length_mismatch_fails()
    {
        var result = SelfTestComparison.Compare("short", Expected, Exact()[..4], 1, 0);
        Assert.False(result.Passed);
        Assert.Contains("expected 5 values, got 4", result.Detail);
    }

    [Fact]
    public void A_changed_guard_fails_a_passing_result()
    {
        var passing = SelfTestComparison.Compare("guarded", Expected, Exact(), 0, 0);
        Assert.True(SelfTestComparison.CheckGuard(passing, [-1f, -1f], -1f).Passed);
        var stray = SelfTestComparison.CheckGuard(passing, [-1f, 3f], -1f);
        Assert.False(stray.Passed);
        Assert.Contains("wrote past the output: element 1 after its end is 3", stray.Detail);
    }
}
