using System.Globalization;
using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>
/// A checkpoint holding a NaN or an infinity anywhere it is loaded from (weights by eval and predict, weights and
/// optimizer state by a resumed run) is refused with one line naming the tensor; and the checkpoint a diverged run
/// names as the last good one is from before the loss exploded, not merely finite.
/// </summary>
public sealed class LoadedWeightsTests(TrainedCheckpoint checkpoint) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("dense_relu_sequential.0.weight", 17, float.NaN, "NaN", 401408)]
    [InlineData("dense_relu_sequential.2.bias", 0, float.PositiveInfinity, "Infinity", 512)]
    [InlineData("dense_relu_sequential.4.weight", 5119, float.NegativeInfinity, "-Infinity", 5120)]
    public void Non_finite_weights_are_refused_by_eval_predict_and_resume(string tensor, int index, float value, string shown, int count)
    {
        string path = checkpoint.WithValue(dir.File("bad.safetensors"), tensor, index, value);
        string line = $"error: {path}: tensor '{tensor}' holds {shown} at index {index} (1 of {count} values are not finite); a checkpoint must hold finite numbers";
        foreach (var result in new[]
        {
            Cli.Run("eval", "--device", "cpu", "--checkpoint", path),
            Cli.Run("predict", "--device", "cpu", "--checkpoint", path),
            Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", path),
        })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal(line, result.SingleErrorLine());
            Assert.DoesNotContain("Accuracy", result.Stdout);
        }
    }

    [Fact]
    public void Non_finite_optimizer_state_is_refused_when_resuming()
    {
        const string tensor = "optimizer.moments.dense_relu_sequential.2.weight";
        string path = checkpoint.WithValue(dir.File("bad.safetensors"), tensor, 3, float.NaN);
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {path}: tensor '{tensor}' holds NaN at index 3 (1 of 262144 values are not finite); a checkpoint must hold finite numbers",
            result.SingleErrorLine());
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("0.8")]
    [InlineData("2")]
    public void A_diverging_run_writes_no_checkpoint_once_the_loss_explodes_and_names_the_one_before(string lr)
    {
        string save = dir.File("run" + lr);
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--progress", "none", "--optimizer", "momentum", "--lr", lr,
            "--save", save, "--save-every", "2");
        Assert.True(result.ExitCode == 3, result.ToString());
        var lines = result.StderrLines;
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^warning: the loss \(\S+ at step \d+\) is over 10x the first \(2\.32814\): no checkpoint is written until it comes down; the last good one is '.+'$", lines[0]);
        var match = Regex.Match(lines[1], @"^error: training diverged: the loss is (NaN|Infinity|-Infinity) at epoch 1, step \d+; the last good checkpoint is '(.+/step-(\d+)\.safetensors)'$");
        Assert.True(match.Success, result.ToString());
        string good = match.Groups[2].Value;
        int goodStep = int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);

        // Nothing after it was written: last.safetensors is the named checkpoint, byte for byte, and no later step file exists.
        Assert.Equal(File.ReadAllBytes(good), File.ReadAllBytes(Path.Combine(save, "last.safetensors")));
        var steps = Directory.GetFiles(save, "step-*.safetensors")
            .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)["step-".Length..], CultureInfo.InvariantCulture));
        Assert.Equal(goodStep, steps.Max());

        // And it is a model, not an explosion: its test loss is finite and of the order of an untrained model's.
        var eval = Cli.Run("eval", "--device", "cpu", "--checkpoint", good);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var loss = Regex.Match(eval.Stdout, @"Avg loss: +([0-9.]+)");
        Assert.True(loss.Success, eval.ToString());
        Assert.InRange(double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture), 0, 10 * 2.33);
    }
}
