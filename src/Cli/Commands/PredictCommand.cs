using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training;

namespace Trainer.Cli.Commands;

/// <summary>`trainer predict`: a checkpoint's predictions for the first test batch, or for one image.</summary>
public static class PredictCommand
{
    public static readonly OptionTable Options = new(
        [.. CheckpointJob.Options,
            new("--count", "N", "how many images of the first test batch to predict (default 10)"),
            new("--image", "FILE", "classify this picture instead of test images (default none)")]);

    public static readonly string Usage =
        "usage: trainer predict --checkpoint FILE [--data PATH] [--count 10] [--model mlp|lenet|resnet8] [--dropout P]\n" +
        "       trainer predict --checkpoint FILE --image FILE.png [--model mlp|lenet|resnet8]\n" +
        "                       [--rename FROM=TO]... [--rename-file MAP] [--strict]\n" +
        "                       [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N]\n" +
        "  Without --image, prints the tutorial's 'Predicted: \"[...]\", Actual: \"[...]\"' line for the first\n" +
        "  --count images of the first test batch of --data (default: the built-in digits).\n" +
        "  With --image, classifies one grayscale picture (PNG, JPEG or BMP; colour is converted to gray,\n" +
        "  any size is resized to 28x28; white digit on black, as MNIST draws them) and prints the class\n" +
        "  and every class's probability. The checkpoint is read as 'trainer eval' reads it.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output) => Run(args, output, TextWriter.Null);

    /// <summary>Runs `trainer predict`: predictions on <paramref name="output"/>, notes about the weights file on <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var r = Options.Read("predict", args);
        string? image = r.String("--image");
        if (image is not null && r.Has("--count")) throw r.Error("--count applies to test batches, not to --image");
        int count = r.PositiveInt("--count", 10);
        var (weights, options, data) = CheckpointJob.Read(r);
        options = options with { Mode = ExecutionMode.Eager };
        if (image is not null && data.Input != ModelInput.Mnist)
        {
            data.Dispose();
            throw new UsageException($"--image classifies 28x28 gray digits for a model of MNIST's shape; this one takes {data.Input} (use --data to predict its test images)");
        }
        if (data.Found is { } found && image is null) output.WriteLine(found);
        // The image (or the data) is read before the device is opened: a bad file costs nothing.
        byte[]? pixels = image is null ? null : GrayscaleImage.Load(image, MnistDataset.ImageSize, MnistDataset.ImageSize);
        WeightOptions.Report(weights, error);
        using (var job = CheckpointJob.Open(weights, options, data))
        {
            if (pixels is not null)
            {
                var logits = job.Model.Predict(Datapipe.PrepareImage(new HostTensor([MnistDataset.ImageSize, MnistDataset.ImageSize, 1], pixels))).ToFloatArray();
                PrintImage(output, image!, logits);
                return 0;
            }
            foreach (var (images, label) in job.TestLoader.Batches(0))
            {
                int rows = images.Shape[0];
                if (count > rows)
                    throw r.Error($"--count {count} is more than the first test batch holds ({rows}); raise --batch-size or lower --count");
                var logits = job.Model.Predict(images).ToFloatArray();
                int classes = logits.Length / rows;
                var predicted = Enumerable.Range(0, count).Select(i => ArgMax(logits.AsSpan(i * classes, classes)));
                var actual = label.AsInt32().Take(count);
                output.WriteLine($"Predicted: \"[{string.Join(' ', predicted)}]\", Actual: \"[{string.Join(' ', actual)}]\"");
                break;
            }
        }
        return 0;
    }

    private static void PrintImage(TextWriter output, string path, float[] logits)
    {
        // Softmax in float64 with the maximum subtracted, so large logits cannot overflow.
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        int best = ArgMax(logits);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: predicted {best} (probability {exp[best] / sum:F4})"));
        for (int c = 0; c < logits.Length; c++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c}: {exp[c] / sum:F4}"));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
