namespace Trainer.Cli.Tests;

/// <summary>
/// examples/quickstart.cs, the tutorial as a user writes it, run as the user runs it (`dotnet run`
/// on the file-based app): its loss and Test lines equal `trainer train`'s with the same seed, data,
/// device and mode.
/// </summary>
public sealed class QuickstartExampleTests
{
    /// <summary>The lines the tutorial's loops print: the logged losses and each epoch's test figures.</summary>
    private static string[] LogLines(string output) => CliResult.Lines(output)
        .Where(l => l.StartsWith("loss: ", StringComparison.Ordinal) || l.StartsWith(" Accuracy: ", StringComparison.Ordinal)).ToArray();

    [Theory]
    [InlineData("graph")]
    [InlineData("eager")]
    public void The_example_prints_the_tutorial_log_equal_to_trainer_train(string mode)
    {
        var example = ExampleProgram.Run("quickstart.cs", "--epochs", "2", "--device", "cpu", "--mode", mode);
        Assert.True(example.ExitCode == 0, $"exit {example.ExitCode}\n{example.Stdout}\n{example.Stderr}");
        var trainer = Cli.Run("train", "--epochs", "2", "--device", "cpu", "--mode", mode, "--progress", "none");
        Assert.True(trainer.ExitCode == 0, trainer.ToString());

        var expected = LogLines(trainer.Stdout);
        Assert.Equal(6, expected.Length); // two logged losses and one test line per epoch
        Assert.Equal(expected, LogLines(example.Stdout));

        var lines = CliResult.Lines(example.Stdout);
        Assert.Equal("Network<", lines[0]);
        Assert.Equal("    (0): Dense<input_channels=784, output_channels=512, has_bias=True>", lines[3]);
        Assert.Equal("Done!", lines[^1]);
    }
}
