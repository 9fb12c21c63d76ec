using System.Text.Json;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer train --lr-schedule`: the run says which schedule it follows, trains from the same first
/// loss as a constant rate (step 0's rate is --lr), and the metrics file holds each logged step's rate,
/// the float64 formula's value (here step decay: 0.01·0.5^⌊t/40⌋).
/// </summary>
public class LearningRateScheduleCommandTests
{
    [Fact]
    public void A_step_schedule_logs_itself_and_its_rate_per_logged_step()
    {
        using var dir = new TempDirectory();
        string metrics = dir.File("m.jsonl");
        var scheduled = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--progress", "none",
            "--lr-schedule", "step", "--lr-step-size", "40", "--lr-gamma", "0.5", "--metrics", metrics);
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        Assert.Contains("lr schedule: step (from 0.01, times 0.5 every 40 steps)", scheduled.StdoutLines);

        var constant = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--progress", "none");
        Assert.True(constant.ExitCode == 0, constant.ToString());
        Assert.DoesNotContain(constant.StdoutLines, l => l.StartsWith("lr schedule", StringComparison.Ordinal));
        string FirstLoss(CliResult r) => r.StdoutLines.First(l => l.StartsWith("loss: ", StringComparison.Ordinal));
        Assert.Equal(FirstLoss(constant), FirstLoss(scheduled));
        Assert.NotEqual(constant.StdoutLines.Last(l => l.StartsWith(" Accuracy", StringComparison.Ordinal)),
            scheduled.StdoutLines.Last(l => l.StartsWith(" Accuracy", StringComparison.Ordinal)));

        var steps = File.ReadAllLines(metrics).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "step").ToList();
        Assert.NotEmpty(steps);
        foreach (var step in steps)
        {
            long t = step.GetProperty("step").GetInt64();
            Assert.Equal(0.01 * Math.Pow(0.5, t / 40), step.GetProperty("lr").GetDouble());
        }
        Assert.Contains(steps, s => s.GetProperty("step").GetInt64() == 100 && s.GetProperty("lr").GetDouble() == 0.0025);
    }
}
