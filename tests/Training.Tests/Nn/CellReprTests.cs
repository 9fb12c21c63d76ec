using Trainer.Training;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Nn;

/// <summary><see cref="Cell.ToString"/> against what MindSpore's <c>print(model)</c> prints for the same cells.</summary>
public sealed class CellReprTests
{
    /// <summary>The quick-start's model, written as the tutorial writes it.</summary>
    private sealed class Network : Cell
    {
        private readonly Flatten flatten;
        private readonly SequentialCell denseReluSequential;

        public Network()
        {
            flatten = Register("flatten", new Flatten());
            denseReluSequential = Register("dense_relu_sequential", new SequentialCell(
                new Dense(28 * 28, 512), new ReLU(),
                new Dense(512, 512), new ReLU(),
                new Dense(512, 10)));
        }

        public override Tensor Construct(Tensor x) => denseReluSequential.Call(flatten.Call(x));
    }

    /// <summary>What the MindSpore quick-start prints for <c>print(model)</c>, character for character.</summary>
    private const string MindSporeQuickstart =
        "Network<\n" +
        "  (flatten): Flatten<>\n" +
        "  (dense_relu_sequential): SequentialCell<\n" +
        "    (0): Dense<input_channels=784, output_channels=512, has_bias=True>\n" +
        "    (1): ReLU<>\n" +
        "    (2): Dense<input_channels=512, output_channels=512, has_bias=True>\n" +
        "    (3): ReLU<>\n" +
        "    (4): Dense<input_channels=512, output_channels=10, has_bias=True>\n" +
        "    >\n" +
        "  >";

    [Fact]
    public void The_tutorial_network_prints_as_mindspore_prints_it()
    {
        GlobalSeed.Set(0);
        Assert.Equal(MindSporeQuickstart, new Network().ToString());
    }

    [Fact]
    public void The_command_mlp_prints_the_same_tree_under_its_own_class_name()
    {
        GlobalSeed.Set(0);
        Assert.Equal(MindSporeQuickstart.Replace("Network<", "MnistNetwork<", StringComparison.Ordinal), new MnistNetwork().ToString());
    }

    [Fact]
    public void Leaf_cells_print_their_fields_and_containers_nest()
    {
        GlobalSeed.Set(0);
        Assert.Equal("Dense<input_channels=7, output_channels=1>", new Dense(7, 1, hasBias: false).ToString());
        Assert.Equal("MaxPool2d<kernel_size=3, stride=2, pad_mode=VALID>", new MaxPool2d(3, 2).ToString());
        Assert.Equal(
            "Conv2d<input_channels=3, output_channels=65, kernel_size=(3, 3), stride=(2, 2), pad_mode=pad, padding=1, dilation=(1, 1), " +
            "group=1, has_bias=False, weight_init=HeUniform, bias_init=None, format=NCHW>",
            new Conv2d(3, 65, 3, stride: 2, padding: 1).ToString());
        Assert.Equal("SequentialCell<>", new SequentialCell().ToString());
        Assert.Equal("SequentialCell<\n  (0): SequentialCell<\n    (0): ReLU<>\n    >\n  >", new SequentialCell(new SequentialCell(new ReLU())).ToString());
    }

    [Fact]
    public void LeNet_lists_its_children_in_the_model_zoo_order()
    {
        GlobalSeed.Set(0);
        var names = new LeNet5().NameCells().Select(c => c.Name).ToArray();
        Assert.Equal(["conv1", "conv2", "relu", "max_pool2d", "flatten", "fc1", "fc2", "fc3"], names);
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"],
            new LeNet5().NamedParameters().Select(p => p.Name).ToArray());
    }
}
