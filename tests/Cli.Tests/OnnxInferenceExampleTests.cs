using System.Diagnostics;
using System.Globalization;
using SkiaSharp;
using Trainer.Training.Data;

namespace Trainer.Cli.Tests;

/// <summary>
/// examples/onnx-inference.cs, run as a user runs it (`dotnet run examples/onnx-inference.cs -- model.onnx digit.png`)
/// on a model `trainer export --with-preprocessing` wrote: it prints what `trainer predict --image` prints.
/// </summary>
public sealed class OnnxInferenceExampleTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "gpu.sln"))) return d.FullName;
        throw new InvalidOperationException($"no gpu.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Test digit <paramref name="index"/> of the built-in set as a 28x28 grayscale PNG.</summary>
    private string DigitPng(int index)
    {
        var test = new MnistDataset(null, "test");
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
        test.ImageBytes.Span.Slice(index * 784, 784).CopyTo(bitmap.GetPixelSpan());
        string path = dir.File($"digit{index}.png");
        using (var file = File.Create(path))
            Assert.True(bitmap.Encode(file, SKEncodedImageFormat.Png, 100));
        return path;
    }

    [Fact]
    public void The_example_classifies_a_png_as_trainer_predict_does()
    {
        var train = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--save", dir.File("run"), "--progress", "none");
        Assert.True(train.ExitCode == 0, train.ToString());
        string checkpoint = dir.File("run/last.safetensors"), model = dir.File("mnist.onnx");
        Assert.Equal(0, Cli.Run("export", "--checkpoint", checkpoint, "--out", model, "--with-preprocessing").ExitCode);

        foreach (int index in new[] { 0, 7 })
        {
            string png = DigitPng(index);
            var predict = Cli.Run("predict", "--checkpoint", checkpoint, "--image", png, "--device", "cpu");
            Assert.True(predict.ExitCode == 0, predict.ToString());
            var (code, stdout, stderr) = RunExample(model, png);
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            var expected = predict.StdoutLines;
            var actual = CliResult.Lines(stdout);
            Assert.Equal(expected.Length + 1, actual.Length);
            Assert.Equal(expected[0].Split(" (probability")[0], actual[0].Split(" (probability")[0]);
            for (int c = 0; c < 10; c++)
                Assert.True(Math.Abs(Probability(expected[c + 1]) - Probability(actual[c + 1])) <= 1.5e-4, $"class {c}: '{expected[c + 1]}' from trainer predict, '{actual[c + 1]}' from the example");
            Assert.Equal("model: mlp (10 classes), by trainer", actual[^1]);
        }
    }

    /// <summary>
    /// An MLP trained on a user's own RGB image folder (6x9 pictures of classes cat, dog, red fox): the example feeds the
    /// exported model three planes and prints the class names the model carries, as trainer predict does.
    /// </summary>
    [Fact]
    public void The_example_classifies_an_rgb_picture_by_class_name_as_trainer_predict_does()
    {
        string[] classes = ["cat", "dog", "red fox"];
        string data = dir.File("rgb");
        foreach (string split in new[] { "train", "test" })
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 2; i++)
                    Trainer.Training.Tests.Data.ImageFolderTree.WriteRgb(Path.Combine(data, split, classes[c]), $"{i}.png", image: 10 * c + i, height: 6, width: 9);
        var train = Cli.Run("train", "--data", data, "--device", "cpu", "--epochs", "2", "--batch-size", "2", "--save", dir.File("rgbrun"), "--progress", "none");
        Assert.True(train.ExitCode == 0, train.ToString());
        string checkpoint = dir.File("rgbrun/last.safetensors"), model = dir.File("rgb.onnx");
        Assert.Equal(0, Cli.Run("export", "--checkpoint", checkpoint, "--out", model, "--with-preprocessing").ExitCode);

        string png = Path.Combine(data, "test", "red fox", "1.png");
        var predict = Cli.Run("predict", "--checkpoint", checkpoint, "--image", png, "--device", "cpu");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var (code, stdout, stderr) = RunExample(model, png);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        var expected = predict.StdoutLines.Where(l => l.StartsWith(png, StringComparison.Ordinal) || l.StartsWith("  ", StringComparison.Ordinal)).ToArray();
        var actual = CliResult.Lines(stdout);
        Assert.Equal(expected.Length + 1, actual.Length);
        Assert.Equal(expected[0].Split(" (probability")[0], actual[0].Split(" (probability")[0]);
        for (int c = 0; c < 3; c++)
        {
            Assert.StartsWith($"  {c} {classes[c]}: ", actual[c + 1], StringComparison.Ordinal);
            Assert.Equal(expected[c + 1].Split(": ")[0], actual[c + 1].Split(": ")[0]);
            Assert.True(Math.Abs(Probability(expected[c + 1]) - Probability(actual[c + 1])) <= 1.5e-4, $"class {c}: '{expected[c + 1]}' from trainer predict, '{actual[c + 1]}' from the example");
        }
        Assert.Equal("model: mlp (3 classes), by trainer", actual[^1]);
    }

    private static double Probability(string line) => double.Parse(line.Split(": ")[1], CultureInfo.InvariantCulture);

    private static (int Code, string Stdout, string Stderr) RunExample(string model, string png)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        string root = RepositoryRoot();
        var start = new ProcessStartInfo(dotnet, ["run", Path.Combine(root, "examples", "onnx-inference.cs"), "--", model, png])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet run examples/onnx-inference.cs did not finish in 300 s");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }
}
