using System.Globalization;
using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>
/// Values that parse but that a constructor would reject later (optimizer settings and positions in checkpoint
/// metadata, batch sizes whose batch count overflows) are checked where they enter: one line naming the file and the
/// field, exit 1, never an internal error (exit 70) or a NaN accuracy with exit 0.
/// </summary>
public sealed class LateRangeTests(TrainedCheckpoint checkpoint) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("momentum", "5", "a number at least 0 and below 1")]
    [InlineData("momentum", "1", "a number at least 0 and below 1")]
    [InlineData("beta1", "-0.5", "a number at least 0 and below 1")]
    [InlineData("beta2", "1", "a number at least 0 and below 1")]
    [InlineData("epsilon", "0", "a positive number")]
    [InlineData("epsilon", "-1e-8", "a positive number")]
    [InlineData("learning_rate", "0", "a positive number")]
    [InlineData("learning_rate", "-0.01", "a positive number")]
    [InlineData("weight_decay", "-1", "a number at least 0")]
    public void Optimizer_settings_in_metadata_are_checked_on_load(string key, string value, string expected)
    {
        string path = checkpoint.WithMetadata(dir.File("bad.safetensors"), key, value);
        string line = $"error: {path}: metadata '{key}' is '{value}', expected {expected}";
        foreach (var result in new[]
        {
            Cli.Run("eval", "--device", "cpu", "--checkpoint", path),
            Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", path),
        })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal(line, result.SingleErrorLine());
        }
    }

    [Theory]
    [InlineData("batch", "125", "metadata 'batch' is 125, but an epoch of 8000 rows in batches of 64 has 125 batches (0 to 124)")]
    [InlineData("batch", "2147483647", "metadata 'batch' is 2147483647, but an epoch of 8000 rows in batches of 64 has 125 batches (0 to 124)")]
    [InlineData("step", "0", "metadata 'step' is 0, fewer than the 1 epoch(s) and 0 batch(es) it says were trained")]
    [InlineData("step", "9223372036854775800", "metadata 'step' is 9223372036854775800: 125 more steps would overflow the step counter")]
    public void Positions_in_metadata_are_checked_against_the_data_before_resuming(string key, string value, string expected)
    {
        string path = checkpoint.WithMetadata(dir.File("bad.safetensors"), key, value);
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {path}: {expected}", result.SingleErrorLine());
    }

    private static double Accuracy(CliResult result)
    {
        var match = Regex.Match(result.Stdout, @"Accuracy: ([0-9.]+)%, Avg loss: +([0-9.]+)");
        Assert.True(match.Success, result.ToString());
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 1)]
    [InlineData(1 << 30)]
    public void Batch_sizes_near_two_to_the_31_make_one_batch_of_everything(int batch)
    {
        // eval with the flag, and with the size coming from the checkpoint's metadata: the same accuracy as any batch size
        var reference = Cli.Run("eval", "--device", "cpu", "--checkpoint", checkpoint.Path, "--batch-size", "2000");
        var flag = Cli.Run("eval", "--device", "cpu", "--checkpoint", checkpoint.Path, "--batch-size", batch.ToString(CultureInfo.InvariantCulture));
        string path = checkpoint.WithMetadata(dir.File("big.safetensors"), "batch_size", batch.ToString(CultureInfo.InvariantCulture));
        var metadata = Cli.Run("eval", "--device", "cpu", "--checkpoint", path);
        foreach (var result in new[] { reference, flag, metadata }) Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Accuracy(reference), Accuracy(flag));
        Assert.Equal(Accuracy(reference), Accuracy(metadata));
    }

    [Fact]
    public void Training_with_a_batch_size_of_two_to_the_31_minus_1_trains_one_step_an_epoch()
    {
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--progress", "none", "--batch-size", int.MaxValue.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("loss: ", result.Stdout); // the one step was taken and logged
        Assert.InRange(Accuracy(result), 1, 100);
    }

    [Theory]
    [InlineData("--batch-size", "2147483647")]
    [InlineData("--batch-size", "1073741824")]
    public void Compare_with_a_batch_larger_than_the_data_says_so(string flag, string value)
    {
        var result = Cli.Run("compare", "--device", "cpu", "--steps", "2", "--warmup", "0", flag, value);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: built-in mnist-10k: 8000 training images make no full batch of {value}", result.SingleErrorLine());
    }
}
