using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Cli.Tests.Quickstart;

/// <summary>Models sized from the data: LeNet-5's and the MLP's parameter shapes for a given input, and the input's record in checkpoint metadata.</summary>
public sealed class ModelInputTests
{
    private static Dictionary<string, int[]> Shapes(Cell model) =>
        model.TrainableParams().ToDictionary(p => p.Name, p => p.Shape.ToArray());

    /// <summary>
    /// fc1's input is 16·s_h·s_w with s = ((side / 2) − 4) / 2 (conv1 padded by 2 keeps the side, each 2x2 pooling halves it
    /// rounding down, the 5x5 conv2 takes 4): 5x5 for 28, 6x6 for 32, 1x1 for the smallest side, 12, 2x2 for 17x19 and 5x6 for 29x33.
    /// </summary>
    [Theory]
    [InlineData(1, 28, 28, 10, 400)]
    [InlineData(3, 32, 32, 10, 576)]
    [InlineData(3, 12, 12, 7, 16)]
    [InlineData(2, 17, 19, 100, 16 * 2 * 2)]
    [InlineData(1, 29, 33, 3, 16 * 5 * 6)]
    public void Lenet_is_sized_from_channels_height_width_and_classes(int channels, int height, int width, int classes, int fc1Inputs)
    {
        var shapes = Shapes(ModelKinds.Create(ModelKind.LeNet, ModelInput.Image(channels, height, width, classes)));
        Assert.Equal([6, channels, 5, 5], shapes["conv1.weight"]);
        Assert.Equal([120, fc1Inputs], shapes["fc1.weight"]);
        Assert.Equal([classes, 84], shapes["fc3.weight"]);
    }

    [Fact]
    public void The_mnist_input_builds_todays_models_and_a_table_feeds_the_mlp_its_features()
    {
        Assert.Equal(Shapes(new LeNet5()), Shapes(ModelKinds.Create(ModelKind.LeNet, ModelInput.Mnist)));
        Assert.Equal(Shapes(new MnistNetwork()), Shapes(ModelKinds.Create(ModelKind.Mlp, ModelInput.Mnist)));
        var mlp = Shapes(ModelKinds.Create(ModelKind.Mlp, ModelInput.Tabular(13, 3)));
        Assert.Equal([512, 13], mlp["dense_relu_sequential.0.weight"]);
        Assert.Equal([3, 512], mlp["dense_relu_sequential.4.weight"]);
        Assert.Equal("--model lenet takes images, and the data holds rows of 13 features, 3 classes; use --model mlp for tables",
            ModelKinds.Unfit(ModelKind.LeNet, ModelInput.Tabular(13, 3)));
        Assert.Equal("--model lenet takes images of at least 12x12, and the data holds 3x11x40 images, 2 classes",
            ModelKinds.Unfit(ModelKind.LeNet, ModelInput.Image(3, 11, 40, 2)));
        Assert.Null(ModelKinds.Unfit(ModelKind.Mlp, ModelInput.Image(3, 11, 40, 2)));
    }

    [Fact]
    public void Checkpoint_metadata_records_the_input_and_a_file_without_it_is_mnist()
    {
        var info = new CheckpointInfo { Model = ModelKind.LeNet, Input = ModelInput.Image(3, 32, 32, 100), FromTrainer = true };
        var metadata = info.ToMetadata();
        Assert.Equal("3x32x32", metadata["input"]);
        Assert.Equal("100", metadata["classes"]);
        Assert.Equal(info, CheckpointInfo.FromMetadata("f", metadata));

        var table = new CheckpointInfo { Input = ModelInput.Tabular(13, 3), FromTrainer = true };
        Assert.Equal(ModelInput.Tabular(13, 3), CheckpointInfo.FromMetadata("f", table.ToMetadata()).Input);

        var old = metadata.Where(p => p.Key is not ("input" or "classes")).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(ModelInput.Mnist, CheckpointInfo.FromMetadata("f", old).Input);
    }

    [Theory]
    [InlineData("3x32", "10", "metadata 'input' is '3x32', expected CxHxW (e.g. 3x32x32) or a feature count, each positive")]
    [InlineData("3x0x32", "10", "metadata 'input' is '3x0x32', expected CxHxW (e.g. 3x32x32) or a feature count, each positive")]
    [InlineData("65536x65536x2", "10", "metadata 'input' is '65536x65536x2', expected CxHxW (e.g. 3x32x32) or a feature count, each positive")]
    [InlineData("3x32x32", "0", "metadata 'classes' is '0', expected a whole number from 1 to 1048576")]
    [InlineData("3x32x32", "-4", "metadata 'classes' is '-4', expected a whole number from 1 to 1048576")]
    [InlineData("3x32x32", null, "metadata has 'input' but no 'classes'; a model is sized from both")]
    public void Bad_input_metadata_is_one_line_naming_the_key(string input, string? classes, string expected)
    {
        var metadata = new Dictionary<string, string>(new CheckpointInfo { FromTrainer = true }.ToMetadata()) { ["input"] = input };
        if (classes is null) metadata.Remove("classes"); else metadata["classes"] = classes;
        var e = Assert.Throws<CheckpointException>(() => CheckpointInfo.FromMetadata("f.safetensors", metadata));
        Assert.EndsWith(expected, e.Message);
    }
}
