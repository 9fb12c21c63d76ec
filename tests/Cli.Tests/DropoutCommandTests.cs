using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Kernels.Rng;

namespace Trainer.Cli.Tests;

/// <summary>
/// `--dropout P`: a run resumed from the middle of an epoch draws the masks the uninterrupted run drew (its log, weights
/// and generator states equal bit for bit), the checkpoint carries the probability so eval rebuilds the same model,
/// flags that contradict it are refused, and a bad probability is one line.
/// </summary>
public sealed class DropoutCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string In(string name) => Path.Combine(dir.Path, name);

    private static CliResult Ok(params string[] args)
    {
        var result = Cli.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        result.AssertOnlyProgressOnStderr();
        return result;
    }

    private static string[] EpochLog(CliResult result, int epoch)
    {
        var lines = result.StdoutLines;
        int start = Array.IndexOf(lines, $"Epoch {epoch}");
        Assert.True(start >= 0, result.ToString());
        int end = Array.FindIndex(lines, start, l => l.StartsWith($"epoch {epoch}: ", StringComparison.Ordinal));
        return lines[start..end];
    }

    private static Dictionary<string, float[]> Tensors(string path)
    {
        var file = SafeTensors.Read(path);
        return file.Entries.ToDictionary(e => e.Name, e => file.ReadFloat32(e.Name, e.Shape.Select(d => (int)d).ToArray()));
    }

    [Fact]
    public void A_run_resumed_mid_epoch_draws_the_same_masks_as_one_never_stopped()
    {
        string[] run = ["train", "--device", "cpu", "--seed", "3", "--dropout", "0.5", "--optimizer", "momentum"];
        var whole = Ok([.. run, "--epochs", "2", "--save", In("d1")]);
        Ok([.. run, "--epochs", "1", "--save", In("d2"), "--save-every", "100"]);
        var middle = Ok("train", "--device", "cpu", "--epochs", "2", "--resume", In("d2/step-100.safetensors"), "--save", In("d3"));
        Assert.Equal(EpochLog(whole, 2), EpochLog(middle, 2));
        Assert.Equal(EpochLog(whole, 1)[^4..], EpochLog(middle, 1)[^4..]);

        var expected = Tensors(In("d1/last.safetensors"));
        var actual = Tensors(In("d3/last.safetensors"));
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the uninterrupted run's");

        // Two Dropout cells, after each hidden ReLU; each advanced once per step: 2 epochs of 125 batches.
        var states = expected.Where(e => e.Key.EndsWith(".rng_state", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dense_relu_sequential.2.rng_state", "dense_relu_sequential.5.rng_state"], states.Select(s => s.Key));
        Assert.All(states, s => Assert.Equal(250UL, DropoutMask.Step(s.Value[DropoutMask.StepOffset], s.Value[DropoutMask.StepOffset + 1])));
        Assert.NotEqual(states[0].Value[..4], states[1].Value[..4]); // each cell has a seed of its own
        var metadata = SafeTensors.Read(In("d3/last.safetensors")).Metadata;
        Assert.Equal("0.5", metadata["dropout"]);
        Assert.Equal("0.5", CheckpointInfo.FromMetadata("x", metadata).Dropout.ToString(CultureInfo.InvariantCulture));

        // eval rebuilds the model with dropout from the metadata (in eval mode it is the identity): the run's own Test block.
        var eval = Ok("eval", "--device", "cpu", "--checkpoint", In("d1/last.safetensors"));
        Assert.Equal(EpochLog(whole, 2)[^3..], eval.StdoutLines[^3..]);
        var contradicts = Cli.Run("eval", "--device", "cpu", "--checkpoint", In("d1/last.safetensors"), "--dropout", "0.2");
        Assert.Equal(2, contradicts.ExitCode);
        Assert.Contains("--dropout 0.2 contradicts", contradicts.SingleErrorLine());
        var resumeContradicts = Cli.Run("train", "--device", "cpu", "--epochs", "3", "--resume", In("d1/last.safetensors"), "--dropout", "0");
        Assert.Equal(2, resumeContradicts.ExitCode);
        Assert.Contains("--dropout 0 contradicts", resumeContradicts.SingleErrorLine());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("half")]
    public void A_bad_probability_is_one_line_naming_the_flag(string value)
    {
        foreach (var command in new[] { "train", "compare", "summary" })
        {
            var result = command == "summary" ? Cli.Run(command, "--dropout", value) : Cli.Run(command, "--device", "cpu", "--dropout", value);
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith($"error: --dropout must be a probability at least 0 and below 1, got '{value}'", result.SingleErrorLine());
        }
    }
}
