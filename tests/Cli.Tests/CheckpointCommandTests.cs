using System.Globalization;
using System.Text.RegularExpressions;
using Trainer.Training.Checkpoints;

namespace Trainer.Cli.Tests;

/// <summary>`train --save/--resume`, `eval` and `predict` on the built-in digits, and the divergence guard.</summary>
public sealed class CheckpointCommandTests : IDisposable
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

    private static CliResult Train(string mode, params string[] rest) =>
        Ok(["train", "--device", "cpu", "--mode", mode, "--seed", "3", .. rest]);

    /// <summary>Every tensor of two checkpoints, compared bit for bit.</summary>
    private static void AssertSameTensors(string expectedPath, string actualPath)
    {
        var expected = SafeTensors.Read(expectedPath);
        var actual = SafeTensors.Read(actualPath);
        Assert.Equal(expected.Entries.Select(e => e.Name), actual.Entries.Select(e => e.Name));
        foreach (var e in expected.Entries)
        {
            var shape = e.Shape.Select(d => (int)d).ToArray();
            var a = expected.ReadFloat32(e.Name, shape);
            var b = actual.ReadFloat32(e.Name, shape);
            Assert.True(a.AsSpan().SequenceEqual(b), $"tensor {e.Name} differs between {expectedPath} and {actualPath}");
        }
    }

    /// <summary>The log lines of epoch <paramref name="epoch"/> without its timing line.</summary>
    private static string[] EpochLog(CliResult result, int epoch)
    {
        var lines = result.StdoutLines;
        int start = Array.IndexOf(lines, $"Epoch {epoch}");
        Assert.True(start >= 0, result.ToString());
        int end = Array.FindIndex(lines, start, l => l.StartsWith($"epoch {epoch}: ", StringComparison.Ordinal));
        return lines[start..end];
    }

    [Theory]
    [InlineData("graph")]
    [InlineData("eager")]
    public void Resumed_runs_end_with_the_same_weights_and_log_as_an_uninterrupted_one(string mode)
    {
        var whole = Train(mode, "--optimizer", "momentum", "--epochs", "2", "--save", In("d1"));
        Train(mode, "--optimizer", "momentum", "--epochs", "1", "--save", In("d2"), "--save-every", "50");
        var resumed = Train(mode, "--epochs", "2", "--resume", In("d2/last.safetensors"), "--save", In("d3"));
        Assert.Contains(resumed.StdoutLines, l => l.StartsWith("resumed: ", StringComparison.Ordinal));
        Assert.DoesNotContain("Epoch 1", resumed.StdoutLines);
        Assert.Equal(EpochLog(whole, 2), EpochLog(resumed, 2));
        AssertSameTensors(In("d1/last.safetensors"), In("d3/last.safetensors"));
        AssertSameTensors(In("d1/epoch-2.safetensors"), In("d3/epoch-2.safetensors"));

        // From the middle of an epoch: step 100 is 100 batches into epoch 1 of 125.
        var middle = Train(mode, "--epochs", "2", "--resume", In("d2/step-100.safetensors"), "--save", In("d4"));
        Assert.Equal(EpochLog(whole, 2), EpochLog(middle, 2));
        Assert.Equal(EpochLog(whole, 1)[^4..], EpochLog(middle, 1)[^4..]); // the same Test block for epoch 1
        AssertSameTensors(In("d1/last.safetensors"), In("d4/last.safetensors"));
    }

    [Fact]
    public void Checkpoints_name_parameters_as_MindSpore_and_PyTorch_do_and_carry_the_run()
    {
        Train("graph", "--optimizer", "adam", "--epochs", "1", "--save", In("d"));
        var file = SafeTensors.Read(In("d/epoch-1.safetensors"));
        var names = file.Entries.Select(e => e.Name).ToList();
        Assert.Equal("dense_relu_sequential.0.weight", names[0]);
        var w = file.Entries[0];
        Assert.Equal("F32", w.Dtype);
        Assert.Equal([512L, 784L], w.Shape);
        Assert.Contains("optimizer.moment1.dense_relu_sequential.0.weight", names);
        Assert.Contains("optimizer.beta1_power", names);
        Assert.Equal("adam", file.Metadata["optimizer"]);
        Assert.Equal("mlp", file.Metadata["model"]);
        Assert.Equal("1", file.Metadata["epoch"]);
        Assert.Equal("125", file.Metadata["step"]);
        Assert.Equal("3", file.Metadata["seed"]);
        Assert.True(File.Exists(In("d/last.safetensors")));
        Assert.Empty(Directory.GetFiles(In("d"), "*.tmp"));
    }

    [Fact]
    public void Eval_prints_the_last_epochs_test_block_and_predict_the_tutorials_line()
    {
        var run = Train("graph", "--epochs", "2", "--save", In("d"));
        var eval = Ok("eval", "--device", "cpu", "--checkpoint", In("d/last.safetensors"));
        var test = EpochLog(run, 2)[^3..]; // "Test: ", the accuracy line, ""
        Assert.Equal(test, eval.StdoutLines[^3..]);

        var eager = Ok("eval", "--device", "cpu", "--mode", "eager", "--checkpoint", In("d/last.safetensors"));
        Assert.Equal(test, eager.StdoutLines[^3..]);

        var predict = Ok("predict", "--device", "cpu", "--checkpoint", In("d/last.safetensors"));
        var m = Regex.Match(predict.StdoutLines[^1], "^Predicted: \"\\[(\\d( \\d){9})\\]\", Actual: \"\\[(\\d( \\d){9})\\]\"$");
        Assert.True(m.Success, predict.ToString());
        // The built-in test set's first ten labels, read from the embedded IDX file directly.
        Assert.Equal(string.Join(' ', FirstTestLabels(10)), m.Groups[3].Value);
        int agree = m.Groups[1].Value.Split(' ').Zip(m.Groups[3].Value.Split(' ')).Count(p => p.First == p.Second);
        Assert.True(agree >= 7, predict.ToString()); // an 80%+ model gets most of ten right

        var three = Ok("predict", "--device", "cpu", "--checkpoint", In("d/last.safetensors"), "--count", "3");
        Assert.Matches($"^Predicted: \"\\[\\d \\d \\d\\]\", Actual: \"\\[{string.Join(' ', FirstTestLabels(3))}\\]\"$", three.StdoutLines[^1]);
    }

    /// <summary>The first labels of the built-in test set, from the raw embedded file (8-byte IDX header, then one byte a label).</summary>
    private static byte[] FirstTestLabels(int count)
    {
        using var resource = typeof(Trainer.Training.Data.MnistDataset).Assembly.GetManifestResourceStream("mnist-10k/t10k-labels-idx1-ubyte.gz")!;
        using var gzip = new System.IO.Compression.GZipStream(resource, System.IO.Compression.CompressionMode.Decompress);
        var bytes = new byte[8 + count];
        gzip.ReadExactly(bytes);
        return bytes[8..];
    }

    [Fact]
    public void A_diverging_run_exits_3_naming_the_step_and_the_last_good_checkpoint()
    {
        var result = Cli.Run("train", "--device", "cpu", "--lr", "1e6", "--epochs", "2");
        Assert.Equal(3, result.ExitCode);
        string line = result.StderrLines[^1];
        Assert.Matches(@"^error: training diverged: the loss is (NaN|-?∞|Infinity|-Infinity) at epoch 1, step \d+; no checkpoint known good was saved", line);
        Assert.DoesNotContain("Done!", result.Stdout);
        Assert.DoesNotContain("Epoch 2", result.Stdout);

        // With checkpoints, the error names the last one written before the loss went bad. (At lr 1e6 the first step
        // already explodes, so no checkpoint is good: a milder divergence, as in LoadedWeightsTests.)
        var saved = Cli.Run("train", "--device", "cpu", "--lr", "0.5", "--optimizer", "momentum", "--epochs", "1", "--save", In("d"), "--save-every", "1", "--check-loss-every", "1");
        Assert.Equal(3, saved.ExitCode);
        var step = Regex.Match(saved.StderrLines[^1], @"^error: training diverged: .* (step (\d+)|after (\d+) steps in all); the last good checkpoint is '(.+)'$");
        Assert.True(step.Success, saved.ToString());
        int diverged = int.Parse(step.Groups[2].Success ? step.Groups[2].Value : step.Groups[3].Value, CultureInfo.InvariantCulture);
        // The checkpoint named is from before the failure, with finite weights that gave a finite loss.
        var good = SafeTensors.Read(step.Groups[4].Value);
        Assert.True(long.Parse(good.Metadata["step"], CultureInfo.InvariantCulture) < diverged);
        foreach (var e in good.Entries)
            Assert.All(good.ReadFloat32(e.Name, e.Shape.Select(d => (int)d).ToArray()), v => Assert.True(float.IsFinite(v), e.Name));
    }

    [Fact]
    public void Resume_refuses_contradicting_flags_and_files_without_a_run()
    {
        Train("graph", "--epochs", "1", "--save", In("d"));
        var model = Cli.Run("train", "--device", "cpu", "--resume", In("d/last.safetensors"), "--model", "lenet");
        Assert.Equal(2, model.ExitCode);
        Assert.Contains("--model lenet contradicts", model.SingleErrorLine());
        var done = Cli.Run("train", "--device", "cpu", "--resume", In("d/last.safetensors"), "--epochs", "1");
        Assert.Equal(2, done.ExitCode);
        Assert.Contains("has already trained 1 epoch(s)", done.SingleErrorLine());
        var missing = Cli.Run("eval", "--device", "cpu", "--checkpoint", In("nope.safetensors"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.safetensors", missing.SingleErrorLine());
        var lenet = Cli.Run("eval", "--device", "cpu", "--checkpoint", In("d/last.safetensors"), "--model", "lenet");
        Assert.Equal(2, lenet.ExitCode);
        lenet.SingleErrorLine();
    }

    [Fact]
    public void Output_paths_are_checked_before_training()
    {
        File.WriteAllText(In("file"), "x");
        var underFile = Cli.Run("train", "--device", "cpu", "--save", In("file"));
        Assert.Equal(1, underFile.ExitCode);
        Assert.Contains("is a file, expected a directory", underFile.SingleErrorLine());
        Assert.Equal("", underFile.Stdout);
        var metrics = Cli.Run("train", "--device", "cpu", "--metrics", In("no/such/dir/m.jsonl"));
        Assert.Equal(1, metrics.ExitCode);
        Assert.Contains("--metrics", metrics.SingleErrorLine());
        Assert.Equal("", metrics.Stdout);
    }

    [Fact]
    public void Metrics_record_every_logged_step_and_epoch_and_plot_draws_them()
    {
        string metrics = In("m.jsonl");
        var run = Train("graph", "--epochs", "2", "--metrics", metrics);
        var records = Trainer.Training.Metrics.MetricsLog.Read(metrics);
        var steps = records.Where(r => r.Kind == "step").ToList();
        var epochs = records.Where(r => r.Kind == "epoch").ToList();
        // Logged steps 0 and 100 of each 125-batch epoch, indexed over all epochs from 0.
        Assert.Equal([0L, 100, 125, 225], steps.Select(r => r.Step));
        Assert.Equal([1, 1, 2, 2], steps.Select(r => r.Epoch));
        var logged = run.StdoutLines.Where(l => l.StartsWith("loss: ", StringComparison.Ordinal))
            .Select(l => l[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        Assert.Equal(logged, steps.Select(r => r.Loss.ToString("F6", CultureInfo.InvariantCulture)));
        Assert.Equal([125L, 250], epochs.Select(r => r.Step));
        var accuracies = run.StdoutLines.Where(l => l.StartsWith(" Accuracy: ", StringComparison.Ordinal))
            .Select(l => l[11..l.IndexOf('%')]).ToList();
        Assert.Equal(accuracies, epochs.Select(r => (100 * r.TestAccuracy!.Value).ToString("F1", CultureInfo.InvariantCulture)));
        Assert.All(records, r => Assert.True(r.SamplesPerSecond > 0 && r.Lr == 0.01));

        var plot = Cli.Run("plot", metrics, "--out", In("curves.png"));
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.True(new FileInfo(In("curves.png")).Length > 1000);
    }

    [Fact]
    public void Predict_on_a_png_of_a_test_image_agrees_with_predict_on_the_test_batch()
    {
        Train("graph", "--epochs", "1", "--save", In("d"));
        // The first test image, from the raw embedded IDX file (16-byte header, 28x28 bytes), as a PNG.
        using (var resource = typeof(Trainer.Training.Data.MnistDataset).Assembly.GetManifestResourceStream("mnist-10k/t10k-images-idx3-ubyte.gz")!)
        using (var gzip = new System.IO.Compression.GZipStream(resource, System.IO.Compression.CompressionMode.Decompress))
        {
            var bytes = new byte[16 + 28 * 28];
            gzip.ReadExactly(bytes);
            using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(28, 28, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque));
            System.Runtime.InteropServices.Marshal.Copy(bytes, 16, bitmap.GetPixels(), 28 * 28);
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(In("digit.png"), data.ToArray());
        }
        var batch = Ok("predict", "--device", "cpu", "--checkpoint", In("d/last.safetensors"), "--count", "1");
        string expected = Regex.Match(batch.StdoutLines[^1], "^Predicted: \"\\[(\\d)\\]\"").Groups[1].Value;

        var image = Ok("predict", "--device", "cpu", "--checkpoint", In("d/last.safetensors"), "--image", In("digit.png"));
        var lines = image.StdoutLines;
        Assert.Matches($"^{Regex.Escape(In("digit.png"))}: predicted {expected} \\(probability 0\\.\\d{{4}}\\)$", lines[^11]);
        var probabilities = lines[^10..].Select((l, c) =>
        {
            Assert.StartsWith($"  {c}: ", l);
            return double.Parse(l[(l.IndexOf(':') + 2)..], CultureInfo.InvariantCulture);
        }).ToList();
        Assert.InRange(probabilities.Sum(), 0.999, 1.001);
        Assert.Equal(int.Parse(expected, CultureInfo.InvariantCulture), probabilities.IndexOf(probabilities.Max()));

        var bad = Cli.Run("predict", "--device", "cpu", "--checkpoint", In("d/last.safetensors"), "--image", In("d/last.safetensors"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("last.safetensors", bad.SingleErrorLine());
    }
}
