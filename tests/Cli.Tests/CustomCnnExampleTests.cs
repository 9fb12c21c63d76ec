using System.Globalization;

namespace Trainer.Cli.Tests;

/// <summary>
/// examples/custom-cnn.cs, a network with a residual block in primitive ops and a custom op defined in the example
/// file itself, trains in graph and in eager mode on the native CPU backend with losses equal bit for bit.
/// </summary>
public sealed class CustomCnnExampleTests
{
    private static string[] Losses(string stdout) => CliResult.Lines(stdout).Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void The_custom_op_trains_in_graph_and_eager_mode_with_equal_losses()
    {
        var graph = ExampleProgram.Run("custom-cnn.cs", "--mode", "graph", "--steps", "6", "--device", "cpu");
        Assert.True(graph.ExitCode == 0, $"exit {graph.ExitCode}\n{graph.Stdout}\n{graph.Stderr}");
        var eager = ExampleProgram.Run("custom-cnn.cs", "--mode", "eager", "--steps", "6", "--device", "cpu");
        Assert.True(eager.ExitCode == 0, $"exit {eager.ExitCode}\n{eager.Stdout}\n{eager.Stderr}");

        var losses = Losses(graph.Stdout);
        Assert.Equal(6, losses.Length);
        Assert.Equal(losses, Losses(eager.Stdout)); // printed round-trip ("R"): equal text is equal bits
        var values = losses.Select(l => float.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(values, v => Assert.True(float.IsFinite(v), string.Join(", ", values)));
        Assert.Contains("(act): SquaredReLUCell<>", graph.Stdout);
        Assert.Contains("(block): ResidualBlock<", graph.Stdout);
    }
}
