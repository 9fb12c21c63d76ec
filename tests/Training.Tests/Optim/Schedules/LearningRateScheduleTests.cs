using Trainer.Training.Optim;
using Trainer.Training.Optim.Schedules;

namespace Trainer.Training.Tests.Optim.Schedules;

/// <summary>
/// Each schedule against a float64 reference written another way (a running product, cos² for the
/// cosine, the warm-up's line by hand) at awkward steps: 0, 1, 7, 63, 65, 257, the schedule's end and beyond it.
/// </summary>
public sealed class LearningRateScheduleTests
{
    private static readonly long[] Steps = [0, 1, 7, 63, 64, 65, 256, 257, 258, 1000];

    private static void Near(double expected, LearningRateSchedule schedule, long step)
    {
        double got = schedule.Exact(step);
        Assert.True(Math.Abs(got - expected) <= 1e-14 * Math.Max(Math.Abs(expected), 1e-3), $"{schedule.Description} at step {step}: expected {expected:R}, got {got:R}");
        Assert.Equal((float)got, schedule.Rate(step));
    }

    [Fact]
    public void Step_decay_is_the_running_product_of_gamma_every_step_size_steps()
    {
        var schedule = new StepDecay(0.1, 63, 0.5);
        foreach (long t in Steps)
        {
            double rate = 0.1;
            for (long s = 1; s <= t; s++) if (s % 63 == 0) rate *= 0.5;
            Near(rate, schedule, t);
        }
        Assert.Equal(0.05, schedule.Exact(63));
        Assert.Equal(0.1, schedule.Exact(62));
    }

    [Fact]
    public void Exponential_decay_is_gamma_to_the_step_over_decay_steps()
    {
        var perStep = new ExponentialDecay(0.1, 0.99);
        var perSeven = new ExponentialDecay(0.1, 0.5, decaySteps: 7);
        foreach (long t in Steps)
        {
            double rate = 0.1;
            for (long s = 0; s < t; s++) rate *= 0.99;
            Near(rate, perStep, t);
            Near(0.1 * Math.Exp(t / 7.0 * Math.Log(0.5)), perSeven, t);
        }
        Assert.Equal(0.05, perSeven.Exact(7), 15);
    }

    [Fact]
    public void Cosine_annealing_is_cos_squared_down_to_the_minimum_and_stays_there()
    {
        const long T = 257;
        var schedule = new CosineAnnealing(0.1, T, 0.001);
        foreach (long t in Steps)
        {
            double c = Math.Cos(Math.PI * Math.Min(t, T) / (2.0 * T));
            Near(0.001 + 0.099 * c * c, schedule, t);
        }
        Assert.Equal(0.1, schedule.Exact(0));
        Assert.Equal(0.001, schedule.Exact(T), 15);
        Assert.Equal(0.001, schedule.Exact(T + 1));
        Assert.Equal((0.1 + 0.001) / 2, new CosineAnnealing(0.1, 64, 0.001).Exact(32), 15);
    }

    [Fact]
    public void Polynomial_decay_is_linear_at_power_one_and_the_square_at_power_two()
    {
        var linear = new PolynomialDecay(0.1, 65, endRate: 0.01);
        var square = new PolynomialDecay(0.1, 65, power: 2);
        foreach (long t in Steps)
        {
            long s = Math.Min(t, 65);
            Near(0.1 - 0.09 * s / 65, linear, t);
            double left = 1 - s / 65.0;
            Near(0.1 * left * left, square, t);
        }
        Assert.Equal(0.01, linear.Exact(65), 15);
        Assert.Equal(0.0, square.Exact(1000));
    }

    [Fact]
    public void Linear_warmup_climbs_to_the_next_schedules_first_rate_then_runs_it_from_its_step_zero()
    {
        var constant = new LinearWarmup(7, new ConstantRate(0.1));
        var fromQuarter = new LinearWarmup(63, new ConstantRate(0.1), startFactor: 0.25);
        var thenCosine = new LinearWarmup(65, new CosineAnnealing(0.1, 192, 0.0));
        foreach (long t in Steps)
        {
            Near(t < 7 ? 0.1 * t / 7 : 0.1, constant, t);
            Near(t < 63 ? 0.1 * (0.25 + 0.75 * t / 63) : 0.1, fromQuarter, t);
            double c = Math.Cos(Math.PI * Math.Min(t - 65, 192) / (2.0 * 192));
            Near(t < 65 ? 0.1 * t / 65 : 0.1 * c * c, thenCosine, t);
        }
        Assert.Equal(0.0, constant.Exact(0));
        Assert.Equal(0.1, thenCosine.Exact(65));
        Assert.Equal(0.0, thenCosine.Exact(257), 15);
    }

    [Fact]
    public void Rates_round_to_float32_once_and_apply_to_an_optimizer()
    {
        var schedule = new ExponentialDecay(0.1, 0.9);
        var p = new Parameter("w", Graph.Ir.TensorType.Float(1), [0f]);
        var sgd = new SGD([p], 1f);
        schedule.Apply(sgd, 7);
        Assert.Equal((float)(0.1 * Math.Pow(0.9, 7)), sgd.LearningRate);
        Assert.Equal(sgd.LearningRate, sgd.Hyperparameters[0]);
    }

    [Fact]
    public void Bad_arguments_and_negative_steps_are_refused_naming_the_argument()
    {
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantRate(0.1).Exact(-1)).ParamName);
        Assert.Equal("initialRate", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0, 1, 0.5)).ParamName);
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1, 0, 0.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1, 1, 1.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, double.NaN)).ParamName);
        Assert.Equal("minRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(0.1, 10, 0.2)).ParamName);
        Assert.Equal("maxRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(double.PositiveInfinity, 10)).ParamName);
        Assert.Equal("endRate", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1, 10, 0.2)).ParamName);
        Assert.Equal("startFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(5, new ConstantRate(0.1), 1.0)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(0, new ConstantRate(0.1))).ParamName);
    }
}
