using System.Globalization;

namespace Trainer.Cli.Tests;

/// <summary>
/// examples/custom-loop.cs, an explicit loop over a two-input network with gradients clipped by their global norm in
/// ops: graph and eager mode print equal numbers bit for bit on the native CPU backend, and the clipping does what
/// its formula says.
/// </summary>
public sealed class CustomLoopExampleTests
{
    private sealed record StepLine(string Text, float Loss, float Norm, float Clipped);

    /// <summary>The "step N  loss L  grad-norm G  clipped C" lines, parsed.</summary>
    private static StepLine[] Steps(string stdout) => CliResult.Lines(stdout)
        .Where(l => l.StartsWith("step ", StringComparison.Ordinal))
        .Select(l =>
        {
            string[] words = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            float At(string name) => float.Parse(words[Array.IndexOf(words, name) + 1], CultureInfo.InvariantCulture);
            return new StepLine(l, At("loss"), At("grad-norm"), At("clipped"));
        }).ToArray();

    private static StepLine[] Run(params string[] args)
    {
        var result = ExampleProgram.Run("custom-loop.cs", ["--device", "cpu", "--log-every", "1", .. args]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("(profile): Dense<input_channels=56, output_channels=64", result.Stdout);
        return Steps(result.Stdout);
    }

    [Fact]
    public void Clipped_steps_print_equal_numbers_in_graph_and_eager_mode_and_clip_to_the_threshold()
    {
        const float maxNorm = 0.25f;
        var graph = Run("--mode", "graph", "--steps", "4", "--max-norm", "0.25");
        var eager = Run("--mode", "eager", "--steps", "4", "--max-norm", "0.25");
        Assert.Equal(4, graph.Length);
        Assert.Equal(graph.Select(s => s.Text), eager.Select(s => s.Text)); // printed round-trip ("R"): equal text is equal bits

        foreach (var s in graph)
        {
            Assert.True(float.IsFinite(s.Loss) && s.Loss > 0, s.Text);
            Assert.True(s.Norm > maxNorm, $"the gradient norm should exceed the threshold for this check to mean anything: {s.Text}");
            // The clipped gradients' norm is recomputed from them in float32 over ~55,000 elements: within 1e-4 of
            // max_norm·norm/(norm + 1e-6), which is max_norm to 1e-6.
            double expected = (double)maxNorm * s.Norm / (s.Norm + 1e-6);
            Assert.True(Math.Abs(s.Clipped - expected) <= 1e-4 * maxNorm, $"{s.Text}: expected the clipped norm {expected}");
        }
    }

    [Fact]
    public void Below_the_threshold_the_gradients_pass_unchanged_and_the_first_norm_does_not_depend_on_it()
    {
        var loose = Run("--mode", "graph", "--steps", "2", "--max-norm", "1000");
        var tight = Run("--mode", "eager", "--steps", "2", "--max-norm", "0.25");
        Assert.Equal(2, loose.Length);
        // scale = max_norm / max(norm + eps, max_norm) is exactly 1 here, so the recomputed norm is the same bits.
        Assert.All(loose, s => Assert.Equal(s.Norm, s.Clipped));
        // Step 1 runs before any update: its loss and gradient norm are the threshold's business in neither run;
        // step 2 follows a clipped update in one and a full one in the other.
        Assert.Equal(loose[0].Loss, tight[0].Loss);
        Assert.Equal(loose[0].Norm, tight[0].Norm);
        Assert.NotEqual(loose[1].Loss, tight[1].Loss);
    }
}
