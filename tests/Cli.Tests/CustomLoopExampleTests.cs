using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Nn;

namespace Trainer.Cli.Tests;

/// <summary>
/// examples/custom-loop.cs, an explicit loop over a two-input network with gradients clipped by their global norm in
/// ops: graph and eager mode print equal numbers bit for bit on the native CPU backend, the clipping does what
/// its formula says, and the first step's loss and gradient norm equal a float64 forward and backward pass written here.
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

    private static (StepLine[] Steps, long EagerBytes) Run(params string[] args)
    {
        var result = ExampleProgram.Run("custom-loop.cs", ["--device", "cpu", "--log-every", "1", .. args]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("(profile): Dense<input_channels=56, output_channels=64", result.Stdout);
        string last = CliResult.Lines(result.Stdout)[^1];
        Assert.EndsWith(" bytes", last);
        string[] words = last.Split(' ');
        return (Steps(result.Stdout), long.Parse(words[^2], CultureInfo.InvariantCulture));
    }



    [Fact]
    public void Clipped_steps_print_equal_numbers_in_graph_and_eager_mode_clip_to_the_threshold_and_free_their_memory()
    {
        const float maxNorm = 0.25f;
        var (graph, _) = Run("--mode", "graph", "--steps", "4", "--max-norm", "0.25");
        var (eager, eagerBytes) = Run("--mode", "eager", "--steps", "4", "--max-norm", "0.25");
        Assert.Equal(4, graph.Length);
        Assert.Equal(graph.Select(s => s.Text), eager.Select(s => s.Text)); // printed round-trip ("R"): equal text is equal bits

        // No EndStep anywhere: each eager step frees what it made, so four steps take no more device memory than one.
        var (_, oneStepBytes) = Run("--mode", "eager", "--steps", "1", "--max-norm", "0.25");
        Assert.True(eagerBytes > 0, "the eager run should report the memory its steps took");
        Assert.Equal(oneStepBytes, eagerBytes);

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
        var (loose, _) = Run("--mode", "graph", "--steps", "2", "--max-norm", "1000");
        var (tight, _) = Run("--mode", "eager", "--steps", "2", "--max-norm", "0.25");
        Assert.Equal(2, loose.Length);
        // scale = max_norm / max(norm + eps, max_norm) is exactly 1 here, so the recomputed norm is the same bits.
        Assert.All(loose, s => Assert.Equal(s.Norm, s.Clipped));
        // Step 1 runs before any update: its loss and gradient norm are the threshold's business in neither run;
        // step 2 follows a clipped update in one and a full one in the other.
        Assert.Equal(loose[0].Loss, tight[0].Loss);
        Assert.Equal(loose[0].Norm, tight[0].Norm);
        Assert.NotEqual(loose[1].Loss, tight[1].Loss);

        // The first step's loss and gradient norm against an independent float64 forward and backward pass.
        var (loss, norm) = FirstStepReference(seed: 0);
        Assert.True(Math.Abs(loose[0].Loss - loss) <= 1e-5 * loss, $"{loose[0].Text}: the float64 reference loss is {loss}");
        Assert.True(Math.Abs(loose[0].Norm - norm) <= 1e-5 * norm, $"{loose[0].Text}: the float64 reference gradient norm is {norm}");
    }

    /// <summary>The example's network, built the same way (same layers, same order), for its initial weights.</summary>
    private sealed class SameLayers : Cell
    {
        public SameLayers()
        {
            Register("flatten", new Flatten());
            Image = Register("image", new Dense(28 * 28, 64));
            Profile = Register("profile", new Dense(56, 64));
            Register("relu", new ReLU());
            Head = Register("head", new Dense(64, 10));
        }

        public Dense Image { get; }
        public Dense Profile { get; }
        public Dense Head { get; }
    }

    /// <summary>
    /// The first batch's mean cross-entropy and the global norm of its gradients, in float64 loops: the example's
    /// initial weights (the same layers made after the same seed), its first batch (the same pipeline), the ink
    /// profile (row and column means) computed here, the forward pass and the backward pass written out by hand.
    /// </summary>
    private static (double Loss, double Norm) FirstStepReference(ulong seed)
    {
        Dataset dataset = new MnistDataset(null, "train");
        dataset = dataset.Map([new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()], "image");
        dataset = dataset.Map([new TypeCast(ElementType.Int32)], "label");
        var batch = dataset.Shuffle(seed).Batch(32).CreateTupleIterator(0).First();
        float[] images = batch[0].AsFloat();
        int[] labels = batch[1].AsInt32();
        int n = labels.Length;

        GlobalSeed.Set(seed);
        var net = new SameLayers();
        Assert.True(DeviceRequest.TryParse("cpu", out var cpu));
        using var session = Session.Open(cpu);
        session.Place(net);
        double[] W1 = D(net.Image.Weight), b1 = D(net.Image.Bias!), W2 = D(net.Profile.Weight), b2 = D(net.Profile.Bias!);
        double[] W3 = D(net.Head.Weight), b3 = D(net.Head.Bias!);

        double[] gW1 = new double[W1.Length], gb1 = new double[64], gW2 = new double[W2.Length], gb2 = new double[64];
        double[] gW3 = new double[W3.Length], gb3 = new double[10];
        double loss = 0;
        for (int b = 0; b < n; b++)
        {
            var x = new double[784];
            var p = new double[56];
            for (int i = 0; i < 784; i++)
            {
                x[i] = images[b * 784 + i];
                p[i / 28] += x[i] / 28;      // row mean
                p[28 + i % 28] += x[i] / 28; // column mean
            }
            var pre = new double[64];
            var h = new double[64];
            for (int j = 0; j < 64; j++)
            {
                double s = b1[j] + b2[j];
                for (int i = 0; i < 784; i++) s += W1[j * 784 + i] * x[i];
                for (int i = 0; i < 56; i++) s += W2[j * 56 + i] * p[i];
                pre[j] = s;
                h[j] = Math.Max(s, 0);
            }
            var z = new double[10];
            for (int k = 0; k < 10; k++)
            {
                z[k] = b3[k];
                for (int j = 0; j < 64; j++) z[k] += W3[k * 64 + j] * h[j];
            }
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            loss += (Math.Log(sum) + max - z[labels[b]]) / n;
            var dz = new double[10];
            for (int k = 0; k < 10; k++) dz[k] = (Math.Exp(z[k] - max) / sum - (k == labels[b] ? 1 : 0)) / n;
            for (int k = 0; k < 10; k++)
            {
                gb3[k] += dz[k];
                for (int j = 0; j < 64; j++) gW3[k * 64 + j] += dz[k] * h[j];
            }
            for (int j = 0; j < 64; j++)
            {
                if (pre[j] <= 0) continue;
                double dh = 0;
                for (int k = 0; k < 10; k++) dh += W3[k * 64 + j] * dz[k];
                gb1[j] += dh;
                gb2[j] += dh;
                for (int i = 0; i < 784; i++) gW1[j * 784 + i] += dh * x[i];
                for (int i = 0; i < 56; i++) gW2[j * 56 + i] += dh * p[i];
            }
        }
        double squares = new[] { gW1, gb1, gW2, gb2, gW3, gb3 }.Sum(g => g.Sum(v => v * v));
        return (loss, Math.Sqrt(squares));

        static double[] D(Tensor t) => Array.ConvertAll(t.ToFloatArray(), v => (double)v);
    }
}
