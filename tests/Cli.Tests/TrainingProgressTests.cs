namespace Trainer.Cli.Tests;

public class TrainingProgressTests
{
    private static string Drive(ProgressStyle style, int batches, int startBatch = 0)
    {
        var error = new StringWriter { NewLine = "\n" };
        var progress = TrainingProgress.Create(error, style, batches, epochs: 2);
        progress.StartEpoch(1, startBatch);
        for (int b = startBatch; b < batches; b++)
            progress.AfterStep(1, b, 64, b % 100 == 0 ? 2.5f - b / 100f : null);
        progress.EndEpoch();
        return error.ToString();
    }

    [Theory]
    [InlineData(125, 11)] // every 12 batches, and the last
    [InlineData(7, 7)]    // fewer than ten batches: every one
    [InlineData(1, 1)]
    public void Plain_progress_writes_a_line_per_tenth_of_an_epoch(int batches, int lines)
    {
        var text = Drive(ProgressStyle.Plain, batches);
        var result = new CliResult(0, "", text);
        Assert.Equal(lines, result.StderrLines.Length);
        result.AssertOnlyProgressOnStderr();
        Assert.StartsWith($"progress: epoch 2/2 {batches}/{batches}  loss ", result.StderrLines[^1]);
        Assert.Contains("ETA 0:00", result.StderrLines[^1]);
    }

    [Fact]
    public void Plain_progress_shows_the_last_loss_read()
    {
        var lines = new CliResult(0, "", Drive(ProgressStyle.Plain, 125)).StderrLines;
        Assert.Contains("loss 2.5000", lines[0]);      // batch 11: the loss read at batch 0
        Assert.Contains("loss 1.5000", lines[^1]);     // batch 124: the loss read at batch 100
    }

    [Fact]
    public void A_resumed_epoch_counts_from_its_first_batch()
    {
        var lines = new CliResult(0, "", Drive(ProgressStyle.Plain, 125, startBatch: 100)).StderrLines;
        Assert.StartsWith("progress: epoch 2/2 108/125", lines[0]);
    }

    [Fact]
    public void The_bar_redraws_one_line_and_clears_it_at_the_end()
    {
        var text = Drive(ProgressStyle.Bar, 125);
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("\repoch 2/2 [", text);
        Assert.Contains("[====================] 125/125", text);
        Assert.EndsWith("\r", text);
    }

    [Fact]
    public void None_writes_nothing() => Assert.Equal("", Drive(ProgressStyle.None, 125));
}
