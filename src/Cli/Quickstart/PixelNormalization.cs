using System.Globalization;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// How an image model's pixels were prepared in training: rescaled from uint8 to [0, 1] by 1/255, then normalised
/// with <see cref="Mean"/> and <see cref="Std"/> (the same for every channel). Predict and export repeat it so a
/// picture reaches the model as the training images did. Checkpoints of non-IDX image data record it (metadata
/// <c>pixel_mean</c> and <c>pixel_std</c>); a checkpoint without it is MNIST's when of MNIST's shape, else the
/// image formats' <see cref="ImageFormats"/>.
/// </summary>
/// <param name="Mean">Subtracted from every rescaled pixel.</param>
/// <param name="Std">What the difference is divided by.</param>
public sealed record PixelNormalization(float Mean, float Std)
{
    /// <summary>The tutorial's MNIST statistics, 0.1307 and 0.3081: IDX data.</summary>
    public static PixelNormalization Mnist { get; } = new(Datapipe.Mean, Datapipe.Std);

    /// <summary>0.5 and 0.5 (to [-1, 1]): CIFAR and image folders (<see cref="TrainingData.Mean"/>, <see cref="TrainingData.Std"/>).</summary>
    public static PixelNormalization ImageFormats { get; } = new(TrainingData.Mean, TrainingData.Std);

    /// <summary>The metadata keys of the two numbers.</summary>
    internal const string MeanKey = "pixel_mean", StdKey = "pixel_std";

    /// <summary>Rescale, Normalize and HWC2CHW: a uint8 [H,W,C] image to the float32 [C,H,W] the model takes.</summary>
    public ITransform[] Transforms() => [new Rescale(Datapipe.Scale, Datapipe.Shift), new Normalize(Mean, Std), new HWC2CHW()];

    /// <summary>The normalisation in words, e.g. <c>mean 0.5, std 0.5</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"mean {Mean:R}, std {Std:R}");
}
