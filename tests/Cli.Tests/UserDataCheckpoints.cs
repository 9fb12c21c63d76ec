using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trainer.Cli.Commands;
using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Tests.Data;

namespace Trainer.Cli.Tests;

/// <summary>
/// Checkpoints trained once (one epoch, native CPU) on users' own data for the predict and export tests: an MLP on
/// RGB 6x9 image folders of classes cat, dog and "red fox"; an MLP on gray 28x28 image folders of 10 classes (MNIST's
/// shape, the image formats' normalisation); LeNet and ResNet-8 on RGB 32x32 folders of 3 classes; an MLP on a CSV
/// table of 257 features and 3 classes. Also the trainer's own logits for a batch, the reference ONNX Runtime is held to.
/// </summary>
public sealed class UserDataCheckpoints : IDisposable
{
    private readonly TempDirectory dir = new();

    public static readonly string[] RgbClasses = ["cat", "dog", "red fox"];

    public UserDataCheckpoints()
    {
        string rgb = dir.File("rgb"), gray = dir.File("gray"), rgb32 = dir.File("rgb32");
        foreach (string split in new[] { "train", "test" })
        {
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 2; i++)
                {
                    ImageFolderTree.WriteRgb(Path.Combine(rgb, split, RgbClasses[c]), $"{i}.png", image: 10 * c + i, height: 6, width: 9);
                    ImageFolderTree.WriteRgb(Path.Combine(rgb32, split, $"k{c}"), $"{i}.png", image: 10 * c + i, height: 32, width: 32);
                }
            for (int c = 0; c < 10; c++)
                ImageFolderTree.WriteGray(Path.Combine(gray, split, $"digit{c}"), "0.png", image: 7 * c, height: 28, width: 28);
        }
        string csv = dir.File("table.csv");
        var random = new Random(5);
        var lines = new List<string> { string.Join(",", Enumerable.Range(0, 257).Select(i => $"f{i}").Append("label")) };
        for (int row = 0; row < 15; row++)
            lines.Add(string.Join(",", Enumerable.Range(0, 257).Select(_ => (random.NextDouble() * 4 - 2).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append((row % 3).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        File.WriteAllLines(csv, lines);

        RgbData = rgb;
        RgbMlp = Train(rgb, "rgb-mlp", "mlp");
        GrayMlp = Train(gray, "gray-mlp", "mlp");
        CsvMlp = Train(csv, "csv-mlp", "mlp");
        Lenet = Train(rgb32, "rgb32-lenet", "lenet");
        Resnet8 = Train(rgb32, "rgb32-resnet8", "resnet8");
    }

    /// <summary>The RGB 6x9 image folders of cat, dog and red fox (two images of each class in each split).</summary>
    public string RgbData { get; }

    /// <summary>The MLP on RGB 6x9 folders of cat, dog and red fox.</summary>
    public string RgbMlp { get; }

    /// <summary>The MLP on gray 28x28 folders of 10 classes: MNIST's shape, normalised with 0.5/0.5.</summary>
    public string GrayMlp { get; }

    /// <summary>The MLP on the CSV table of 257 features, 3 classes.</summary>
    public string CsvMlp { get; }

    /// <summary>LeNet on RGB 32x32 folders of 3 classes.</summary>
    public string Lenet { get; }

    /// <summary>ResNet-8 on RGB 32x32 folders of 3 classes.</summary>
    public string Resnet8 { get; }

    /// <summary>A fresh directory for a test's files.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(dir.File(name)).FullName;

    private string Train(string data, string name, string model)
    {
        var result = Cli.Run("train", "--data", data, "--model", model, "--device", "cpu", "--epochs", "1", "--batch-size", "8",
            "--optimizer", "adam", "--progress", "none", "--save", dir.File(name));
        Assert.True(result.ExitCode == 0, result.ToString());
        return dir.File(name + "/last.safetensors");
    }

    /// <summary>The logits the trainer's own eval model computes for <paramref name="batch"/> (float32, as the model takes it), native CPU, eager.</summary>
    public static float[] TrainerLogits(string checkpoint, HostTensor batch)
    {
        var file = WeightFiles.Read(checkpoint);
        var info = CheckpointInfo.FromMetadata(checkpoint, file.Metadata);
        var steps = new QuickstartSteps(info.Seed, info.LearningRate, info.Optimizer, info.Model, info.Input, info.Dropout);
        var match = QuickstartCheckpoint.Match(file, steps, withOptimizer: false, new WeightLoadOptions());
        var options = new TrainOptions { Device = DeviceRequest.For(DeviceKind.Cpu), Model = info.Model, Dropout = info.Dropout, Seed = info.Seed, Mode = Trainer.Training.Loops.ExecutionMode.Eager };
        var (session, model) = CheckpointJob.OpenModel(match, options, info.Input);
        using (session)
        using (model)
            return model.Predict(batch).ToFloatArray();
    }

    /// <summary>ONNX Runtime's logits for <paramref name="input"/> (uint8 or float32) of <paramref name="shape"/> on the model at <paramref name="onnx"/>.</summary>
    public static float[] OnnxLogits<T>(string onnx, T[] input, int[] shape)
    {
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<T>(input, shape))]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>Softmax in float64, the maximum subtracted.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        var exp = new double[logits.Length];
        for (int i = 0; i < exp.Length; i++) exp[i] = Math.Exp(logits[i] - max);
        double sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    public void Dispose() => dir.Dispose();
}
