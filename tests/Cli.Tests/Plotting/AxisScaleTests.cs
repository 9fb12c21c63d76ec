using Trainer.Cli.Plotting;

namespace Trainer.Cli.Tests.Plotting;

public class AxisScaleTests
{
    [Theory]
    [InlineData(0, 314, 0, 350, 50)]
    [InlineData(0.28, 2.31, 0, 2.5, 0.5)]
    [InlineData(70, 92, 70, 95, 5)]
    [InlineData(0.001, 0.0042, 0.001, 0.0045, 0.0005)]
    [InlineData(-3, 7, -4, 8, 2)]
    public void Nice_covers_the_range_with_round_ends_and_steps(double low, double high, double min, double max, double step)
    {
        var axis = AxisScale.Nice(low, high);

        Assert.Equal(min, axis.Min, 12);
        Assert.Equal(max, axis.Max, 12);
        Assert.Equal(step, axis.Step, 12);
    }

    [Fact]
    public void A_single_value_gets_a_range_around_it()
    {
        var axis = AxisScale.Nice(92, 92);

        Assert.True(axis.Min < 92 && axis.Max > 92, axis.ToString());
        Assert.Equal(new AxisScale(80, 100, 5), AxisScale.Nice(92, 92).Within(0, 100));
        Assert.Equal(new AxisScale(-1, 1, 0.5), AxisScale.Nice(0, 0));
    }

    [Fact]
    public void Ticks_and_labels()
    {
        var axis = AxisScale.Nice(0.28, 2.31);

        Assert.Equal(["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"], axis.Ticks().Select(axis.Label));
        var steps = AxisScale.Nice(0, 314);
        Assert.Equal(["0", "50", "100", "150", "200", "250", "300", "350"], steps.Ticks().Select(steps.Label));
        Assert.Equal(200f, steps.Map(175, 100, 300), 3);
    }

    [Fact]
    public void Within_clips_the_ends()
    {
        var axis = AxisScale.Nice(88, 99.5).Within(0, 100);

        Assert.Equal(100, axis.Max);
        Assert.Equal(100, axis.Ticks().Last());
    }
}
