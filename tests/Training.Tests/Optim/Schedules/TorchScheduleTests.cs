using System.Text.Json;
using Trainer.Training.Optim.Schedules;
using Trainer.Training.Tests.Checkpoints;

namespace Trainer.Training.Tests.Optim.Schedules;

/// <summary>
/// Each schedule against PyTorch's torch.optim.lr_scheduler, stepped as a training loop steps it
/// (bench/torch_lr_schedules.py, its output saved in docs/results/torch-lr-schedules.json, so the test
/// needs no PyTorch): every step from 0 to 299, or to the end of the schedule where PyTorch's cosine
/// climbs back up and ours stays at its minimum. PyTorch's schedulers multiply step by step (the
/// chainable form), ours evaluate the closed form, so the two agree to float64 rounding, not bit for bit.
/// </summary>
public sealed class TorchScheduleTests
{
    private const double Base = 0.1;

    private static List<(string Scheduler, JsonElement Args, double[] Rates)> Cases()
    {
        string path = Path.Combine(SafeTensorsScript.RepositoryRoot(), "docs", "results", "torch-lr-schedules.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(Base, doc.RootElement.GetProperty("base_lr").GetDouble());
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("scheduler").GetString()!, c.GetProperty("args").Clone(),
                c.GetProperty("rates").EnumerateArray().Select(r => r.GetDouble()).ToArray()))
            .ToList();
    }

    private static (LearningRateSchedule Schedule, int Compared) Ours(JsonElement a, int recorded) => a.GetProperty("kind").GetString() switch
    {
        "step" => (new StepDecay(Base, a.GetProperty("step_size").GetInt64(), a.GetProperty("gamma").GetDouble()), recorded),
        "exponential" => (new ExponentialDecay(Base, a.GetProperty("gamma").GetDouble()), recorded),
        "cosine" => (new CosineAnnealing(Base, a.GetProperty("t_max").GetInt64(), a.GetProperty("eta_min").GetDouble()), a.GetProperty("t_max").GetInt32() + 1),
        "warmup" => (new LinearWarmup(a.GetProperty("steps").GetInt64(), new ConstantRate(Base), a.GetProperty("start_factor").GetDouble()), recorded),
        "polynomial" => (new PolynomialDecay(Base, a.GetProperty("steps").GetInt64(), 0, a.GetProperty("power").GetDouble()), recorded),
        "warmup+cosine" => (new LinearWarmup(a.GetProperty("steps").GetInt64(),
            new CosineAnnealing(Base, a.GetProperty("t_max").GetInt64(), a.GetProperty("eta_min").GetDouble())),
            a.GetProperty("steps").GetInt32() + a.GetProperty("t_max").GetInt32() + 1),
        var kind => throw new InvalidOperationException($"no schedule for '{kind}'"),
    };

    [Fact]
    public void Every_schedule_matches_pytorch_at_every_step()
    {
        var cases = Cases();
        Assert.Equal(7, cases.Count);
        foreach (var (scheduler, args, rates) in cases)
        {
            var (schedule, compared) = Ours(args, rates.Length);
            Assert.True(compared <= rates.Length);
            for (int t = 0; t < compared; t++)
            {
                double ours = schedule.Exact(t);
                Assert.True(Math.Abs(ours - rates[t]) <= 1e-13 * Base, $"{scheduler} at step {t}: PyTorch {rates[t]:R}, ours {ours:R}");
                Assert.Equal((float)rates[t], schedule.Rate(t)); // one float32 rounding of the same value
            }
        }
    }
}
