using System.Globalization;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// What a zoo model is sized from: the shape of one example (channels, height and width of an image, or the feature
/// count of a table row) and the number of classes. It comes from the data set, and checkpoints record it (metadata
/// <c>input</c> and <c>classes</c>) so eval and predict rebuild the same model; a checkpoint without it is
/// <see cref="Mnist"/>.
/// </summary>
public sealed record ModelInput
{
    private ModelInput(int channels, int height, int width, int classes, bool tabular)
    {
        if (channels < 1 || height < 1 || width < 1 || (long)channels * height * width > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(channels), $"an example of {channels}x{height}x{width} values: each must be positive and the product at most {int.MaxValue}");
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        (Channels, Height, Width, Classes, IsTabular) = (channels, height, width, classes, tabular);
    }

    /// <summary>MNIST's 1x28x28 gray digits in 10 classes: what every model was sized for before the data said otherwise.</summary>
    public static ModelInput Mnist { get; } = Image(1, 28, 28, 10);

    /// <summary>Images of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> (CHW) in <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the class count is not positive.</exception>
    public static ModelInput Image(int channels, int height, int width, int classes) => new(channels, height, width, classes, tabular: false);

    /// <summary>Rows of <paramref name="features"/> numbers (a CSV table) in <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature or class count is not positive.</exception>
    public static ModelInput Tabular(int features, int classes) => new(features, 1, 1, classes, tabular: true);

    /// <summary>Image channels, or the feature count of a tabular row.</summary>
    public int Channels { get; }

    /// <summary>Image height (1 for a tabular row).</summary>
    public int Height { get; }

    /// <summary>Image width (1 for a tabular row).</summary>
    public int Width { get; }

    /// <summary>The number of classes the model scores.</summary>
    public int Classes { get; }

    /// <summary>Whether examples are rows of features rather than images.</summary>
    public bool IsTabular { get; }

    /// <summary>Numbers per example: what an MLP takes after Flatten.</summary>
    public int Features => Channels * Height * Width;

    /// <summary>The example's shape as metadata stores it: <c>1x28x28</c> (CHW) for images, <c>13</c> for rows of 13 features.</summary>
    public string ShapeText => IsTabular ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Channels}x{Height}x{Width}");

    /// <summary>Reads <see cref="ShapeText"/> back; false when <paramref name="shape"/> is neither <c>CxHxW</c> nor a count, or a number is not positive.</summary>
    public static bool TryParse(string shape, int classes, out ModelInput input)
    {
        input = Mnist;
        if (classes < 1) return false;
        string[] parts = shape.Split('x');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1) return false;
        if ((long)sizes.Aggregate(1L, (a, b) => a * b) > int.MaxValue) return false;
        if (sizes.Length == 1) { input = Tabular(sizes[0], classes); return true; }
        if (sizes.Length == 3) { input = Image(sizes[0], sizes[1], sizes[2], classes); return true; }
        return false;
    }

    /// <summary>The shape and classes in words, e.g. <c>1x28x28 images, 10 classes</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(IsTabular ? $"rows of {Channels} features" : $"{ShapeText} images")}, {Classes} classes");
}
