using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>
/// The one example `trainer predict --image` or `--row` classifies, prepared as training prepared its data: a picture
/// decoded, resized and normalised as the image-folder reader and the data pipeline do, or a row of numbers as the
/// CSV reader reads features. Each bad input is refused in one line before any device is opened.
/// </summary>
internal static class PredictionInput
{
    /// <summary>
    /// The float32 batch of one example the model of <paramref name="input"/> takes: <c>[1,C,H,W]</c> for a picture
    /// (<paramref name="image"/>), <c>[1,F]</c> for a row (<paramref name="row"/>); exactly one of the two is given.
    /// </summary>
    /// <param name="r">The command line, for errors naming a flag.</param>
    /// <param name="image">The picture's path, or null.</param>
    /// <param name="row">The row's comma-separated numbers, or null.</param>
    /// <param name="checkpoint">The checkpoint's path, for messages.</param>
    /// <param name="input">What the model takes.</param>
    /// <param name="normalization">How training normalised the model's images (null for a table model).</param>
    public static HostTensor Prepare(ArgumentReader r, string? image, string? row, string checkpoint, ModelInput input, PixelNormalization? normalization)
    {
        if (row is not null)
        {
            if (!input.IsTabular)
                throw r.Error($"--row classifies a table row, and '{checkpoint}' holds a model of {input}; give a picture with --image");
            return Row(r, row, input.Features);
        }
        if (input.IsTabular)
            throw r.Error($"--image classifies a picture, and '{checkpoint}' holds a model of {input}; give the row with --row V1,V2,...");
        if (input.Channels is not (1 or 3))
            throw r.Error($"--image decodes a picture to gray or RGB, and '{checkpoint}' holds a model of {input}");
        // A model of MNIST's shape normalised as MNIST is read as predict always read it (MNIST-like: resampled to 28x28 by SkiaSharp).
        if (input == ModelInput.Mnist && normalization == PixelNormalization.Mnist)
            return Datapipe.PrepareImage(new HostTensor([MnistDataset.ImageSize, MnistDataset.ImageSize, 1],
                GrayscaleImage.Load(image!, MnistDataset.ImageSize, MnistDataset.ImageSize)));
        // Any other image model: decoded and resized as the image-folder reader does, normalised as the data pipeline did.
        var pixels = ImageFolderDataset.DecodeImage(image!, input.Channels, resize: null);
        if (pixels.Shape[0] != input.Height || pixels.Shape[1] != input.Width)
            pixels = new Resize(input.Height, input.Width).Apply(pixels);
        foreach (var transform in normalization!.Transforms()) pixels = transform.Apply(pixels);
        return new HostTensor([1, .. pixels.Shape], pixels.AsFloat());
    }

    /// <summary>
    /// <paramref name="text"/> as <paramref name="features"/> float32 numbers, read as the CSV reader reads a feature cell (the
    /// invariant culture, spaces around a value ignored, finite in float32).
    /// </summary>
    private static HostTensor Row(ArgumentReader r, string text, int features)
    {
        string[] cells = text.Split(',');
        if (cells.Length != features)
            throw r.Error(string.Create(CultureInfo.InvariantCulture, $"--row has {cells.Length} value(s), and the model takes rows of {features} features (the feature columns in file order, without the label)"));
        var values = new float[features];
        for (int i = 0; i < features; i++)
        {
            string cell = cells[i].Trim();
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw r.Error(string.Create(CultureInfo.InvariantCulture, $"--row value {i + 1} ('{cell}') is not a finite number"));
        }
        return new HostTensor([1, features], values);
    }
}
