using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>
/// LeNet-5 as MindSpore's model zoo builds it, with conv1 padded by 2 so a 28x28 digit keeps the
/// 32x32 geometry: Conv2d(1,6,5,pad 2) ReLU MaxPool(2,2) Conv2d(6,16,5) ReLU MaxPool(2,2) Flatten
/// Dense(400,120) ReLU Dense(120,84) ReLU Dense(84,10). The convolutions carry a bias (PyTorch's
/// LeNet; MindSpore's zoo leaves it out). Parameter names: conv1.weight, conv1.bias, …, fc3.bias.
/// The children are registered in the zoo's order (conv1, conv2, relu, max_pool2d, flatten, fc1, fc2,
/// fc3), so <see cref="Cell.ToString"/> prints the tree as MindSpore prints the zoo model. With a dropout
/// probability above 0, one <see cref="Dropout"/> cell (<c>dropout</c>, registered last) is called after the ReLUs of
/// fc1 and fc2, before each hidden Dense, drawing a mask of its own at each call.
/// </summary>
public sealed class LeNet5 : Cell, IClassifier
{
    private readonly Conv2d conv1, conv2;
    private readonly Dense fc1, fc2, fc3;
    private readonly ReLU relu = new();
    private readonly MaxPool2d pool = new(2, 2);
    private readonly Flatten flatten = new();
    private readonly Dropout? dropout;

    /// <summary>The smallest height or width LeNet-5 takes: conv1 keeps the size, each pooling halves it, conv2 takes 4 off.</summary>
    public const int MinImageSize = 12;

    /// <summary>LeNet-5 for 28x28 images of <paramref name="channels"/> channels and <paramref name="classes"/> classes, weights from the global seed.</summary>
    public LeNet5(int classes = MnistNetwork.DefaultClasses, int channels = 1)
        : this(classes, channels, 28, 28, 0f)
    {
    }

    /// <summary>LeNet-5 for <paramref name="height"/> x <paramref name="width"/> images of <paramref name="channels"/> channels and <paramref name="classes"/> classes, weights from the global seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The height or width is below <see cref="MinImageSize"/>, or the channels or classes not positive.</exception>
    public LeNet5(int classes, int channels, int height, int width)
        : this(classes, channels, height, width, 0f)
    {
    }

    /// <summary>LeNet-5 for 28x28 images with <see cref="Dropout"/>(<paramref name="dropout"/>) before fc2 and fc3; 0 builds exactly the model without it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public LeNet5(int classes, int channels, float dropout)
        : this(classes, channels, 28, 28, dropout)
    {
    }

    /// <summary>
    /// LeNet-5 for <paramref name="height"/> x <paramref name="width"/> images of <paramref name="channels"/> channels and
    /// <paramref name="classes"/> classes, with <see cref="Dropout"/>(<paramref name="dropout"/>) before fc2 and fc3 (0: none).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The height or width is below <see cref="MinImageSize"/>, the channels or classes not positive, or <paramref name="dropout"/> not in [0, 1).</exception>
    public LeNet5(int classes, int channels, int height, int width, float dropout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinImageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinImageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Dropout.CheckProbability(dropout);
        conv1 = Register("conv1", new Conv2d(channels, 6, 5, padding: 2, hasBias: true));
        conv2 = Register("conv2", new Conv2d(6, 16, 5, hasBias: true));
        Register("relu", relu);
        Register("max_pool2d", pool);
        Register("flatten", flatten);
        // conv1 (padded by 2) keeps H x W; pool halves (floor); conv2 (5x5, no padding) takes 4; pool halves again: 28 -> 5, 32 -> 6.
        fc1 = Register("fc1", new Dense(16 * ((height / 2 - 4) / 2) * ((width / 2 - 4) / 2), 120));
        fc2 = Register("fc2", new Dense(120, 84));
        fc3 = Register("fc3", new Dense(84, classes));
        if (dropout > 0f) this.dropout = Register("dropout", new Dropout(dropout));
        Classes = classes;
        DropoutProbability = dropout;
    }

    /// <summary>The probability of the Dropout before each hidden Dense; 0 when there is none.</summary>
    public float DropoutProbability { get; }

    /// <summary>The number of classes the network scores.</summary>
    public int Classes { get; }

    private Tensor Dropped(Tensor x) => dropout is null ? x : dropout.Call(x);

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        x = pool.Call(relu.Call(conv1.Call(x)));
        x = pool.Call(relu.Call(conv2.Call(x)));
        x = flatten.Call(x);
        x = Dropped(relu.Call(fc1.Call(x)));
        x = Dropped(relu.Call(fc2.Call(x)));
        return fc3.Call(x);
    }
}
