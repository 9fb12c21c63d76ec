using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training;

namespace Trainer.Cli.Commands;

/// <summary>`trainer predict`: a checkpoint's predictions for the first test batch, for one picture, or for one table row.</summary>
public static class PredictCommand
{
    public static readonly OptionTable Options = new(
        [.. CheckpointJob.Options,
            new("--count", "N", "how many images of the first test batch to predict (default 10)"),
            new("--image", "FILE", "classify this picture instead of test images, for an image model (default none)"),
            new("--row", "V1,V2,...", "classify this row of comma-separated numbers, for a table (CSV) model (default none)")]);

    public static readonly string Usage =
        "usage: trainer predict --checkpoint FILE [--data PATH] [--count 10] [--model mlp|lenet|resnet8] [--dropout P]\n" +
        "       trainer predict --checkpoint FILE --image FILE.png [--model mlp|lenet|resnet8]\n" +
        "       trainer predict --checkpoint FILE --row V1,V2,...\n" +
        "                       [--rename FROM=TO]... [--rename-file MAP] [--strict]\n" +
        "                       [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N]\n" +
        "  Without --image or --row, prints the tutorial's 'Predicted: \"[...]\", Actual: \"[...]\"' line for the first\n" +
        "  --count examples of the first test batch of --data (default: the built-in digits), by class name\n" +
        "  when the checkpoint records names (image folders, CIFAR with its label-name file).\n" +
        "  With --image, classifies one picture (PNG, JPEG or BMP) for any image model and prints the class\n" +
        "  and every class's probability: it is decoded to the model's channels (colour to gray for 1, gray\n" +
        "  copied to RGB for 3), resized to the model's height and width and normalised as training did. A\n" +
        "  model of MNIST's 1x28x28 trained on IDX data takes white digits on black, as MNIST draws them.\n" +
        "  With --row, classifies one table row: the model's feature columns in file order, label left out.\n" +
        "  The checkpoint is read as 'trainer eval' reads it; --image and --row need no --data.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output) => Run(args, output, TextWriter.Null);

    /// <summary>Runs `trainer predict`: predictions on <paramref name="output"/>, notes about the weights file on <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var r = Options.Read("predict", args);
        string? image = r.String("--image"), row = r.String("--row");
        if (image is not null && row is not null) throw r.Error("--image and --row each give one example to classify; give one of them");
        string? single = image is not null ? "--image" : row is not null ? "--row" : null;
        if (single is not null && r.Has("--count")) throw r.Error($"--count applies to test batches, not to {single}");
        int count = r.PositiveInt("--count", 10);
        // One picture or row needs no data set: the model is sized as the checkpoint says (a --data given is still read and checked).
        var (weights, options, data) = CheckpointJob.Read(r, withData: single is null || r.Has("--data"));
        options = options with { Mode = ExecutionMode.Eager };
        var info = CheckpointInfo.FromMetadata(weights.File.Path, weights.File.Metadata);
        var names = info.ClassNames ?? data?.ClassNames;
        var input = data?.Input ?? info.Input; // a trainer checkpoint's own (Read checked --data against it), else the data's
        HostTensor? example;
        try
        {
            // The picture or row is read before the device is opened: a bad file or value costs nothing.
            example = single is null ? null
                : PredictionInput.Prepare(r, image, row, weights.File.Path, input,
                    info.FromTrainer || data is null ? info.Normalization : data.Normalization);
        }
        catch
        {
            data?.Dispose();
            throw;
        }
        if (data?.Found is { } found && single is null) output.WriteLine(found);
        WeightOptions.Report(weights, error);
        if (example is not null)
        {
            data?.Dispose();
            var (session, model) = CheckpointJob.OpenModel(weights, options, input);
            using (session)
            using (model)
                Print(output, image ?? "row", model.Predict(example).ToFloatArray(), names);
            return 0;
        }
        using (var job = CheckpointJob.Open(weights, options, data!))
        {
            foreach (var (images, label) in job.TestLoader.Batches(0))
            {
                int rows = images.Shape[0];
                if (count > rows)
                    throw r.Error($"--count {count} is more than the first test batch holds ({rows}); raise --batch-size or lower --count");
                var logits = job.Model.Predict(images).ToFloatArray();
                int classes = logits.Length / rows;
                var predicted = Enumerable.Range(0, count).Select(i => ClassNameList.Label(names, ArgMax(logits.AsSpan(i * classes, classes))));
                var actual = label.AsInt32().Take(count).Select(c => ClassNameList.Label(names, c));
                string separator = names is null ? " " : ", ";
                output.WriteLine($"Predicted: \"[{string.Join(separator, predicted)}]\", Actual: \"[{string.Join(separator, actual)}]\"");
                break;
            }
        }
        return 0;
    }

    private static void Print(TextWriter output, string what, float[] logits, IReadOnlyList<string>? names)
    {
        // Softmax in float64 with the maximum subtracted, so large logits cannot overflow.
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        int best = ArgMax(logits);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: predicted {ClassNameList.Label(names, best)} (probability {exp[best] / sum:F4})"));
        for (int c = 0; c < logits.Length; c++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c}{(names is null ? "" : " " + names[c])}: {exp[c] / sum:F4}"));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
