using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>
/// ResNet-8 of He et al. (2016), CIFAR family with n = 1: conv3x3(C→16, pad 1, no bias) BN ReLU; three
/// <see cref="ResidualBlock"/>s of 16, 32 and 64 channels at strides 1, 2, 2; global average pooling (the mean over
/// height and width); Dense(64, classes). Any image size: the pooling takes what the blocks leave. Children: conv1,
/// bn1, layer1, layer2, layer3, fc.
/// </summary>
public sealed class ResNet8 : Cell, IClassifier
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ResidualBlock layer1, layer2, layer3;
    private readonly Dense fc;

    /// <summary>ResNet-8 for images of <paramref name="channels"/> channels and <paramref name="classes"/> classes, weights from the global seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">channels or classes is not positive.</exception>
    public ResNet8(int channels = 1, int classes = MnistNetwork.DefaultClasses)
    {
        if (channels <= 0 || classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), $"ResNet8({channels} channels, {classes} classes): both must be positive");
        conv1 = Register("conv1", new Conv2d(channels, 16, 3, padding: 1));
        bn1 = Register("bn1", new BatchNorm2d(16));
        layer1 = Register("layer1", new ResidualBlock(16, 16, 1));
        layer2 = Register("layer2", new ResidualBlock(16, 32, 2));
        layer3 = Register("layer3", new ResidualBlock(32, 64, 2));
        fc = Register("fc", new Dense(64, classes));
        Classes = classes;
    }

    /// <summary>The number of classes the network scores.</summary>
    public int Classes { get; }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        x = Ops.Relu(bn1.Call(conv1.Call(x)));
        x = layer3.Call(layer2.Call(layer1.Call(x)));
        return fc.Call(Ops.ReduceMean(x, [2, 3]));
    }
}
