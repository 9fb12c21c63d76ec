using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>`train --data`: bad data directories fail with one line and exit 1; small ones train.</summary>
public class DataTests
{
    private static CliResult Train(string directory, params string[] more) =>
        Cli.Run(["train", "--data", directory, "--device", "cpu", .. more]);

    private static void AssertDataError(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(expected, result.SingleErrorLine());
        // Data is read before the device is opened, so nothing at all reaches stdout.
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Nonexistent_directory_exits_1_naming_it()
    {
        var result = Train("/nonexistent/dir");
        AssertDataError(result, "error: data directory '/nonexistent/dir' does not exist");
    }

    [Fact]
    public void Relative_nonexistent_directory_is_named_by_its_full_path()
    {
        string name = "no-such-mnist-" + Guid.NewGuid().ToString("N");
        var result = Train(name);
        AssertDataError(result, $"error: data directory '{Path.GetFullPath(name)}' does not exist");
    }

    /// <summary>
    /// Opening a FIFO for reading waits for a writer, so before the check a FIFO among the data files
    /// hung `train` for ever. Linux only: the file type is told by statx there.
    /// </summary>
    [Fact]
    public async Task Fifo_as_a_data_file_exits_1_instead_of_hanging()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        string fifo = dir.File(MnistFiles.TrainLabels);
        File.Delete(fifo);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var run = Task.Run(() => Train(dir.Path));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) != run)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // lets the blocked reader go, so the test run can end
            Assert.Fail("train --data with a FIFO among the files did not return within 60 s");
        }
        AssertDataError(await run, $"error: '{fifo}': not a regular file (a FIFO)");
    }

    [Fact]
    public void Images_file_with_a_wrong_magic_number_exits_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        var bytes = MnistFiles.Images(10, seed: 1);
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x12345678);
        File.WriteAllBytes(dir.File(MnistFiles.TrainImages), bytes);

        AssertDataError(Train(dir.Path),
            "error: train-images-idx3-ubyte: bad magic number 0x12345678, expected 0x00000803 (IDX image file)");
    }

    [Fact]
    public void Labels_file_with_the_image_magic_number_exits_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        var bytes = MnistFiles.Labels(10, seed: 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000803);
        File.WriteAllBytes(dir.File(MnistFiles.TrainLabels), bytes);

        AssertDataError(Train(dir.Path),
            "error: train-labels-idx1-ubyte: bad magic number 0x00000803, expected 0x00000801 (IDX label file)");
    }

    [Fact]
    public void Truncated_test_images_exit_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        var bytes = MnistFiles.Images(10, seed: 3);
        File.WriteAllBytes(dir.File(MnistFiles.TestImages), bytes[..^100]);

        AssertDataError(Train(dir.Path),
            "error: t10k-images-idx3-ubyte: truncated: expected 7840 bytes of image data after the header, found 7740");
    }

    [Fact]
    public void Corrupt_gzip_exits_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10, gzip: true);
        var gz = MnistFiles.Gzip(MnistFiles.Images(10, seed: 1));
        for (int i = 10; i < gz.Length; i++) gz[i] ^= 0x5A; // keep the gzip signature and header, garble the rest
        File.WriteAllBytes(dir.File(MnistFiles.TrainImages + ".gz"), gz);

        AssertDataError(Train(dir.Path), "error: train-images-idx3-ubyte.gz: corrupt gzip stream");
    }

    [Fact]
    public void Missing_labels_file_exits_1_naming_what_is_missing()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        File.Delete(dir.File(MnistFiles.TrainLabels));

        AssertDataError(Train(dir.Path),
            $"error: data directory '{Path.GetFullPath(dir.Path)}' has no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz");
    }

    [Fact]
    public void Image_and_label_counts_that_differ_exit_1()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        File.WriteAllBytes(dir.File(MnistFiles.TrainLabels), MnistFiles.Labels(9, seed: 2));

        AssertDataError(Train(dir.Path),
            "error: train-images-idx3-ubyte has 10 images but train-labels-idx1-ubyte has 9 labels");
    }

    [Fact]
    public void Images_that_are_not_28x28_exit_1()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        File.WriteAllBytes(dir.File(MnistFiles.TrainImages), MnistFiles.Images(10, seed: 1, rows: 27, cols: 27));

        AssertDataError(Train(dir.Path), "error: train-images-idx3-ubyte: expected 28x28 images, found 27x27");
    }

    [Fact]
    public void Labels_beyond_the_models_classes_exit_1()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 10, test: 10);
        var labels = MnistFiles.Labels(10, seed: 4);
        labels[^1] = 12;
        File.WriteAllBytes(dir.File(MnistFiles.TestLabels), labels);

        AssertDataError(Train(dir.Path),
            $"error: {Path.GetFullPath(dir.Path)}: labels go up to 12, but the model has 10 classes");
    }

    // A small data set trains in a few seconds and checks what the full runs cannot afford to:
    // the default mode, --no-fuse, a partial last batch (recompiled in graph mode), .gz files, and
    // that eager, fused graph and unfused graph log the same first loss for the same seed and batch.

    private static readonly Regex LossLine = new(@"^loss: (\d\.\d{6})  \[  0/  2\]$");

    private static string[] AssertSmallRun(CliResult result, string modeLine, int epochs = 1)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        result.AssertOnlyProgressOnStderr();
        var lines = result.StdoutLines;
        if (modeLine.StartsWith("mode: graph", StringComparison.Ordinal))
        {
            // Graph mode compiles the train and eval steps at every batch shape before training.
            Assert.Matches(@"^compile: \d+ graphs \(train and eval steps at every batch shape\) in \d+\.\d\d s$", lines[2]);
            lines = [.. lines[..2], .. lines[3..]];
        }
        Assert.True(lines.Length == 2 + 7 * epochs + 1, result.ToString());
        Assert.Matches(@"^device: cpu \(.+\)$", lines[0]);
        Assert.Equal(modeLine, lines[1]);
        for (int e = 0; e < epochs; e++)
        {
            var block = lines.AsSpan(2 + 7 * e, 7);
            Assert.Equal($"Epoch {e + 1}", block[0]);
            Assert.Equal("-------------------------------", block[1]);
            Assert.Matches(LossLine, block[2]);
            Assert.Equal("Test: ", block[3]);
            Assert.Matches(@"^ Accuracy: \d+\.\d%, Avg loss: \s*\d+\.\d{6} $", block[4]);
            Assert.Equal("", block[5]);
            Assert.Matches($@"^epoch {e + 1}: \d+\.\d\d s \(train \d+\.\d\d s, \d+ samples/s\)$", block[6]);
        }
        Assert.Equal("Done!", lines[^1]);
        return lines;
    }

    [Fact]
    public void Small_data_set_trains_in_every_mode_with_the_same_first_loss()
    {
        using var raw = new TempDirectory();
        MnistFiles.WriteAll(raw.Path, train: 100, test: 30);
        using var gz = new TempDirectory();
        MnistFiles.WriteAll(gz.Path, train: 100, test: 30, gzip: true);
        string rawFull = Path.GetFullPath(raw.Path), gzFull = Path.GetFullPath(gz.Path);

        var graph = AssertSmallRun(Train(raw.Path, "--epochs", "1"),
            $"mode: graph, data: {rawFull} (100 train, 30 test), batch 64, lr 0.01, seed 0, optimizer sgd, model mlp");
        var noFuse = AssertSmallRun(Train(raw.Path, "--epochs", "1", "--no-fuse", "--mode", "graph"),
            $"mode: graph (no fusion), data: {rawFull} (100 train, 30 test), batch 64, lr 0.01, seed 0, optimizer sgd, model mlp");
        var eager = AssertSmallRun(Train(gz.Path, "--epochs", "1", "--mode", "eager"),
            $"mode: eager, data: {gzFull} (100 train, 30 test), batch 64, lr 0.01, seed 0, optimizer sgd, model mlp");

        // Same seed, same files (raw or gzip), same first batch: the same loss to 6 decimals.
        Assert.Equal(graph[4], noFuse[4]);
        Assert.Equal(graph[4], eager[4]);
        double first = double.Parse(LossLine.Match(graph[4]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(first, Math.Log(10) - 0.5, Math.Log(10) + 0.5);
    }

    [Fact]
    public void Options_show_in_the_mode_line_and_every_epoch_logs_its_block()
    {
        using var dir = new TempDirectory();
        MnistFiles.WriteAll(dir.Path, train: 100, test: 30);
        string full = Path.GetFullPath(dir.Path);

        var result = Train(dir.Path, "--epochs=2", "--batch-size", "50", "--lr", "0.05", "--seed", "7", "--mode=eager");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        Assert.Equal($"mode: eager, data: {full} (100 train, 30 test), batch 50, lr 0.05, seed 7, optimizer sgd, model mlp", lines[1]);
        Assert.Equal(2 + 7 * 2 + 1, lines.Length);
        Assert.Equal("Epoch 2", lines[9]);
        Assert.Matches(@"^loss: \d\.\d{6}  \[  0/  2\]$", lines[4]);
        Assert.Matches(@"^loss: \d\.\d{6}  \[  0/  2\]$", lines[11]);
        Assert.Equal("Done!", lines[^1]);
    }
}
