using System.Globalization;

namespace Trainer.Cli.Tests;

/// <summary>
/// examples/custom-cnn.cs, a network with a residual block in primitive ops and a custom op defined in the example
/// file itself, trained with the high-level loop under a cosine schedule, saved, reloaded and evaluated: in graph and
/// in eager mode on the native CPU backend, with losses equal bit for bit.
/// </summary>
public sealed class CustomCnnExampleTests
{
    private const int Steps = 6;
    private const double MaxRate = 0.01;

    private static string[] StepLines(string stdout) => CliResult.Lines(stdout).Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToArray();

    private static string Eval(string stdout, string which) =>
        CliResult.Lines(stdout).Single(l => l.StartsWith($"eval {which}", StringComparison.Ordinal))[$"eval {which}".Length..].Trim();

    private static float Field(string line, string name)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return float.Parse(words[Array.IndexOf(words, name) + 1], CultureInfo.InvariantCulture);
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string mode, string checkpoint)
    {
        var result = ExampleProgram.Run("custom-cnn.cs", "--mode", mode, "--steps", Steps.ToString(CultureInfo.InvariantCulture),
            "--device", "cpu", "--save", checkpoint);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.True(File.Exists(checkpoint), $"no checkpoint at {checkpoint}\n{result.Stdout}");
        return result;
    }

    [Fact]
    public void The_custom_op_trains_under_a_cosine_schedule_in_graph_and_eager_mode_and_reloads_to_the_same_eval()
    {
        string dir = Directory.CreateTempSubdirectory("custom-cnn-").FullName;
        try
        {
            var graph = Run("graph", Path.Combine(dir, "graph.safetensors"));
            var eager = Run("eager", Path.Combine(dir, "eager.safetensors"));

            var steps = StepLines(graph.Stdout);
            Assert.Equal(Steps, steps.Length);
            Assert.Equal(steps, StepLines(eager.Stdout)); // printed round-trip ("R"): equal text is equal bits
            Assert.All(steps, l => Assert.True(float.IsFinite(Field(l, "loss")), l));

            // The learning rate of step t (from 0) is MindSpore's cosine_decay_lr, lr_max·(1 + cos(π·t/T))/2, in float64.
            for (int t = 0; t < Steps; t++)
                Assert.Equal((float)(MaxRate * (1 + Math.Cos(Math.PI * t / Steps)) / 2), Field(steps[t], "lr"));

            // The tutorial's log from LossMonitor: the first step's loss, then Done! when training ends.
            Assert.Contains(CliResult.Lines(graph.Stdout), l => l.StartsWith("loss: ", StringComparison.Ordinal) && l.EndsWith("[  0/250]", StringComparison.Ordinal));

            // The fresh network (other initial weights) loaded from the file evaluates exactly as the trained one.
            string trained = Eval(graph.Stdout, "trained");
            Assert.StartsWith("accuracy ", trained);
            Assert.Equal(trained, Eval(graph.Stdout, "reloaded"));
            Assert.Equal(trained, Eval(eager.Stdout, "trained"));
            Assert.Equal(trained, Eval(eager.Stdout, "reloaded"));

            Assert.Contains("(act): SquaredReLUCell<>", graph.Stdout);
            Assert.Contains("(block): ResidualBlock<", graph.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
