using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Tests.Export;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer export` end to end: a model trained by `trainer train`, exported, run by ONNX Runtime on
/// the built-in test images, classifies them as `trainer eval` reports; and every bad --out, --opset
/// and missing flag is one line and the documented exit code before any work.
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly Regex AccuracyLine = new(@"^ Accuracy: (\d+\.\d)%, Avg loss: \s*(\d+\.\d{6}) $");

    /// <summary>
    /// A data directory with the first <paramref name="train"/> real training digits (a short epoch) and
    /// all 2,000 real test digits of the built-in set, as raw IDX files.
    /// </summary>
    private string RealDigits(int train)
    {
        string data = dir.File("digits");
        Directory.CreateDirectory(data);
        var trainSet = new MnistDataset(null, "train");
        var testSet = new MnistDataset(null, "test");
        void Write(string name, int magic, int count, ReadOnlySpan<byte> items, params int[] dims)
        {
            var header = new byte[8 + 4 * dims.Length];
            BinaryPrimitives.WriteInt32BigEndian(header, magic);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
            for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8 + 4 * i), dims[i]);
            File.WriteAllBytes(Path.Combine(data, name), [.. header, .. items]);
        }
        Write(MnistFiles.TrainImages, 0x803, train, trainSet.ImageBytes.Span[..(train * 784)], 28, 28);
        Write(MnistFiles.TrainLabels, 0x801, train, trainSet.LabelBytes.Span[..train]);
        Write(MnistFiles.TestImages, 0x803, testSet.Count, testSet.ImageBytes.Span, 28, 28);
        Write(MnistFiles.TestLabels, 0x801, testSet.Count, testSet.LabelBytes.Span);
        return data;
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet")]
    public void An_exported_checkpoint_classifies_the_test_set_in_onnx_runtime_as_trainer_eval_does(string model)
    {
        string data = RealDigits(train: 640);
        string save = dir.File("run");
        var train = Cli.Run("train", "--device", "cpu", "--model", model, "--optimizer", "adam", "--epochs", "1", "--data", data, "--save", save, "--progress", "none");
        Assert.True(train.ExitCode == 0, train.ToString());
        string checkpoint = Path.Combine(save, "last.safetensors");
        var eval = Cli.Run("eval", "--checkpoint", checkpoint, "--device", "cpu", "--data", data);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var figures = AccuracyLine.Match(eval.StdoutLines.Single(l => AccuracyLine.IsMatch(l)));
        double evalLoss = double.Parse(figures.Groups[2].Value, CultureInfo.InvariantCulture);

        string raw = dir.File($"{model}-raw.onnx"), normalised = dir.File($"{model}.onnx");
        var export = Cli.Run("export", "--checkpoint", checkpoint, "--out", raw, "--with-preprocessing");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal($"wrote {model} (10 classes, opset 17, input input [N,1,28,28] uint8 pixels, Rescale and Normalize in the graph, output logits [N,10]) to {raw}", export.Stdout.TrimEnd('\n'));
        Assert.Equal("", export.Stderr);
        export = Cli.Run("export", "--checkpoint", checkpoint, "--out", normalised, "--opset", "13");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal(new[] { $"{model}-raw.onnx", $"{model}.onnx", "digits", "run" }.Order(), Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());

        var test = new MnistDataset(data, "test");
        var labels = test.LabelBytes.ToArray();
        using var session = new InferenceSession(raw);
        Assert.Equal(model, session.ModelMetadata.CustomMetadataMap["model"]);
        using var plain = new InferenceSession(normalised);
        Assert.Equal(typeof(float), plain.InputMetadata["input"].ElementType);
        var logits = new float[test.Count * 10];
        for (int start = 0; start < test.Count; start += 64)
        {
            int rows = Math.Min(64, test.Count - start);
            var pixels = new DenseTensor<byte>(test.ImageBytes.Slice(start * 784, rows * 784).ToArray(), [rows, 1, 28, 28]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", pixels)]);
            results.Single().AsTensor<float>().ToArray().CopyTo(logits, start * 10);
        }
        var (correct, avgLoss) = EvalFigures.Of(logits, labels, 10, batchSize: 64);
        Assert.Equal(figures.Groups[1].Value, (100.0 * correct / test.Count).ToString("F1", CultureInfo.InvariantCulture));
        Assert.True(Math.Abs(avgLoss - evalLoss) <= 1e-4, $"average loss {avgLoss} from ONNX Runtime, {evalLoss} printed by trainer eval");
    }

    /// <summary>A checkpoint to export: a tiny run on random digits (the paths, not the weights, are under test).</summary>
    private string Checkpoint()
    {
        string data = dir.File("random");
        Directory.CreateDirectory(data);
        MnistFiles.WriteAll(data, train: 10, test: 10);
        var run = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--data", data, "--save", dir.File("ckpt"), "--progress", "none");
        Assert.True(run.ExitCode == 0, run.ToString());
        return dir.File("ckpt/last.safetensors");
    }

    private void AssertRefused(int code, string expected, params string[] args)
    {
        var before = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        var result = Cli.Run(["export", .. args]);
        Assert.True(result.ExitCode == code, result.ToString());
        Assert.Equal("error: " + expected, result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    private static void Tool(string name, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(name, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void Bad_out_paths_are_refused_in_one_line_before_any_work()
    {
        string checkpoint = Checkpoint();
        string outDir = dir.File("models");
        Directory.CreateDirectory(outDir);
        AssertRefused(2, $"--out '{outDir}' is a directory; give the file to write, e.g. {Path.Combine(outDir, "model.onnx")} (see 'trainer export --help')",
            "--checkpoint", checkpoint, "--out", outDir);
        AssertRefused(2, "--out 'model.bin' must name an .onnx file (see 'trainer export --help')",
            "--checkpoint", checkpoint, "--out", "model.bin");
        AssertRefused(2, $"--out '{checkpoint}' must name an .onnx file (see 'trainer export --help')",
            "--checkpoint", checkpoint, "--out", checkpoint);

        // The checkpoint under an .onnx name: a symbolic link to it, or a second hard link.
        string link = dir.File("link.onnx"), hard = dir.File("hard.onnx");
        File.CreateSymbolicLink(link, checkpoint);
        AssertRefused(2, $"--out '{link}' is the checkpoint being exported; write the model to another file (see 'trainer export --help')",
            "--checkpoint", checkpoint, "--out", link);
        Tool("ln", checkpoint, hard);
        AssertRefused(2, $"--out '{hard}' is the checkpoint being exported; write the model to another file (see 'trainer export --help')",
                "--checkpoint", checkpoint, "--out", hard);

        string fifo = dir.File("pipe.onnx");
        Tool("mkfifo", fifo);
        AssertRefused(1, $"--out '{fifo}': is not a regular file (a FIFO)", "--checkpoint", checkpoint, "--out", fifo);
        AssertRefused(1, $"--out '{dir.File("nowhere/m.onnx")}': directory '{dir.File("nowhere")}' does not exist",
            "--checkpoint", checkpoint, "--out", dir.File("nowhere/m.onnx"));
    }

    [TinyFileSystemFact]
    public void A_full_disk_is_one_line_and_leaves_nothing_behind()
    {
        string checkpoint = Checkpoint();
        string disk = dir.File("full");
        Directory.CreateDirectory(disk);
        Assert.Equal(0, TinyFileSystemFactAttribute.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk));
        try
        {
            string onnx = Path.Combine(disk, "mlp.onnx");
            var result = Cli.Run("export", "--checkpoint", checkpoint, "--out", onnx);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"error: '{onnx}': no space left on device", result.SingleErrorLine());
            Assert.Empty(Directory.EnumerateFileSystemEntries(disk));
        }
        finally
        {
            TinyFileSystemFactAttribute.Run("umount", disk);
        }
    }

    [Fact]
    public void A_checkpoint_with_non_finite_weights_is_refused_naming_the_tensor()
    {
        string checkpoint = Checkpoint();
        var file = SafeTensors.Read(checkpoint);
        var tensors = file.Entries.Select(e =>
        {
            var shape = e.Shape.Select(d => (int)d).ToArray();
            var data = file.ReadFloat32(e.Name, shape);
            if (e.Name == "dense_relu_sequential.4.weight") data[17] = float.PositiveInfinity;
            return new NamedTensor(e.Name, shape, data);
        }).ToList();
        string bad = dir.File("bad.safetensors");
        SafeTensors.Write(bad, tensors, file.Metadata);
        // Refused where every checkpoint load is checked, before the exporter (which refuses them too, for library callers) runs.
        AssertRefused(1, $"{bad}: tensor 'dense_relu_sequential.4.weight' holds Infinity at index 17 (1 of 5120 values are not finite); a checkpoint must hold finite numbers",
            "--checkpoint", bad, "--out", dir.File("bad.onnx"));
    }

    [Fact]
    public void Bad_flags_are_refused_in_one_line()
    {
        string onnx = dir.File("m.onnx");
        AssertRefused(2, "--checkpoint FILE is required (see 'trainer export --help')", "--out", onnx);
        AssertRefused(2, "--out FILE is required (see 'trainer export --help')", "--checkpoint", "c.safetensors");
        AssertRefused(2, "--opset must be 13 to 21, got 12 (see 'trainer export --help')", "--checkpoint", "c.safetensors", "--out", onnx, "--opset", "12");
        AssertRefused(2, "--opset must be a positive integer, got 'x' (see 'trainer export --help')", "--checkpoint", "c.safetensors", "--out", onnx, "--opset", "x");
        AssertRefused(2, "--with-preprocessing takes no value (see 'trainer export --help')", "--checkpoint", "c.safetensors", "--out", onnx, "--with-preprocessing=yes");
        var missing = Cli.Run("export", "--checkpoint", dir.File("none.safetensors"), "--out", onnx);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.safetensors", missing.SingleErrorLine());
        Assert.False(File.Exists(onnx));
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var help = Cli.Run("export", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var flag in new[] { "--checkpoint FILE", "--out FILE", "--model NAME", "--opset N", "--with-preprocessing" })
            Assert.Contains(help.StdoutLines, l => l.StartsWith("  " + flag, StringComparison.Ordinal));
        Assert.Contains(Cli.Run("help").StdoutLines, l => l.StartsWith("  export ", StringComparison.Ordinal));
    }
}
