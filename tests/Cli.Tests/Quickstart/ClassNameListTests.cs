using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Checkpoints;
using Trainer.Training.Hosting;

namespace Trainer.Cli.Tests.Quickstart;

/// <summary>
/// Class names and the pixel normalisation in a checkpoint's metadata: written only when the data has them, read back in
/// both checkpoint formats (names with commas, quotes and accents intact), absent in old files, and every bad value one
/// line naming the file and the key.
/// </summary>
public sealed class ClassNameListTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly string[] Awkward = ["cat", "red, \"big\" fox", "été"];

    [Theory]
    [InlineData(CheckpointFormat.SafeTensors)]
    [InlineData(CheckpointFormat.MindSporeCkpt)]
    public void Names_and_normalisation_round_trip_through_both_checkpoint_formats(CheckpointFormat format)
    {
        var input = ModelInput.Image(3, 7, 5, 3);
        using var session = Session.Open(DeviceRequest.For(DeviceKind.Cpu));
        var steps = new QuickstartSteps(seed: 3, learningRate: 0.01f, null, ModelKind.Mlp, input);
        session.Place(steps.Model);
        session.Place(steps.Optimizer);
        var info = new CheckpointInfo { Input = input, ClassNames = Awkward, Pixels = new PixelNormalization(0.25f, 0.75f), FromTrainer = true };
        string path = dir.File("named" + CheckpointFormats.Extension(format));
        QuickstartCheckpoint.Save(steps, info, format, path);

        var back = CheckpointInfo.FromMetadata(path, WeightFiles.Read(path).Metadata);
        Assert.Equal(Awkward, back.ClassNames);
        Assert.Equal(new PixelNormalization(0.25f, 0.75f), back.Normalization);
        Assert.Equal(info with { ClassNames = null }, back with { ClassNames = null });
    }

    [Fact]
    public void A_file_without_them_has_no_names_and_the_normalisation_its_shape_implies()
    {
        var mnist = CheckpointInfo.FromMetadata("f", new CheckpointInfo { FromTrainer = true }.ToMetadata());
        Assert.Null(mnist.ClassNames);
        Assert.Equal(PixelNormalization.Mnist, mnist.Normalization);
        Assert.DoesNotContain(new CheckpointInfo { FromTrainer = true }.ToMetadata().Keys, k => k is "class_names" or "pixel_mean" or "pixel_std");
        var cifar = CheckpointInfo.FromMetadata("f", new CheckpointInfo { Input = ModelInput.Image(3, 32, 32, 10), FromTrainer = true }.ToMetadata());
        Assert.Equal(new PixelNormalization(0.5f, 0.5f), cifar.Normalization);
        var table = CheckpointInfo.FromMetadata("f", new CheckpointInfo { Input = ModelInput.Tabular(257, 3), FromTrainer = true }.ToMetadata());
        Assert.Null(table.Normalization);
        // A 1x28x28 model trained on image folders records its 0.5/0.5, which MNIST's shape alone would not imply.
        var folders = new CheckpointInfo { Pixels = PixelNormalization.ImageFormats, FromTrainer = true };
        Assert.Equal(new PixelNormalization(0.5f, 0.5f), CheckpointInfo.FromMetadata("f", folders.ToMetadata()).Normalization);
    }

    [Theory]
    [InlineData("[\"a\",\"b\"]", "metadata 'class_names': 2 names for 3 classes, expected one name per class")]
    [InlineData("[\"a\",\"b\",\"c\",\"d\"]", "metadata 'class_names': 4 names for 3 classes, expected one name per class")]
    [InlineData("[\"a\",\"\",\"c\"]", "metadata 'class_names': name 1 is empty")]
    [InlineData("[\"a\",\"b\\nc\",\"d\"]", "metadata 'class_names': name 1 holds the control character U+000A")]
    [InlineData("[\"a\",\"b\",\"\\u0085\"]", "metadata 'class_names': name 2 holds the control character U+0085")]
    [InlineData("[\"a\",\"b\",null]", "metadata 'class_names': expected a JSON array of strings, one per class")]
    [InlineData("cat,dog,fox", "metadata 'class_names': expected a JSON array of strings, one per class")]
    [InlineData("[1,2,3]", "metadata 'class_names': expected a JSON array of strings, one per class")]
    public void Bad_names_are_one_line_naming_the_file_and_key(string value, string expected)
    {
        var metadata = new Dictionary<string, string>(new CheckpointInfo { Input = ModelInput.Image(3, 7, 5, 3), FromTrainer = true }.ToMetadata())
        {
            ["class_names"] = value,
        };
        var e = Assert.Throws<CheckpointException>(() => CheckpointInfo.FromMetadata("m.safetensors", metadata));
        Assert.Equal("m.safetensors: " + expected, e.Message);
    }

    [Fact]
    public void A_name_longer_than_the_limit_is_refused_and_one_at_the_limit_is_not()
    {
        string atLimit = new('x', ClassNameList.MaxLength);
        Assert.Null(ClassNameList.Problem(["a", atLimit], 2));
        Assert.Equal($"name 1 has {ClassNameList.MaxLength + 1} characters, more than {ClassNameList.MaxLength}", ClassNameList.Problem(["a", atLimit + "x"], 2));
    }

    [Theory]
    [InlineData("pixel_mean", "nan", "metadata 'pixel_mean' is 'nan', expected a finite number")]
    [InlineData("pixel_std", "0", "metadata 'pixel_std' is '0', expected a positive number")]
    [InlineData("pixel_std", null, "metadata has no 'pixel_std', which a trainer-checkpoint/1 file needs")]
    public void Bad_normalisation_is_one_line_naming_the_key(string key, string? value, string expected)
    {
        var metadata = new Dictionary<string, string>(new CheckpointInfo { Pixels = PixelNormalization.ImageFormats, FromTrainer = true }.ToMetadata());
        if (value is null) metadata.Remove(key); else metadata[key] = value;
        var e = Assert.Throws<CheckpointException>(() => CheckpointInfo.FromMetadata("m.safetensors", metadata));
        Assert.Equal("m.safetensors: " + expected, e.Message);
        var table = new Dictionary<string, string>(new CheckpointInfo { Input = ModelInput.Tabular(4, 2), FromTrainer = true }.ToMetadata()) { ["pixel_mean"] = "0.5", ["pixel_std"] = "0.5" };
        Assert.Equal("m.safetensors: metadata 'pixel_mean' is for image models; this one takes rows of 4 features, 2 classes",
            Assert.Throws<CheckpointException>(() => CheckpointInfo.FromMetadata("m.safetensors", table)).Message);
    }
}
