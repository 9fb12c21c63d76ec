using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>The quick-start model: Flatten → Dense(784,512) → ReLU → Dense(512,512) → ReLU → Dense(512,10).</summary>
public sealed class MnistNetwork : Cell, IClassifier
{
    private readonly Flatten flatten;
    private readonly SequentialCell denseReluSequential;

    /// <summary>The ten digits.</summary>
    public const int DefaultClasses = 10;

    /// <summary>The tutorial's MLP: <paramref name="imagePixels"/> inputs, two hidden layers of <paramref name="hidden"/>, <paramref name="classes"/> outputs.</summary>
    public MnistNetwork(int imagePixels = 28 * 28, int hidden = 512, int classes = DefaultClasses)
    {
        flatten = Register("flatten", new Flatten());
        denseReluSequential = Register("dense_relu_sequential", new SequentialCell(
            new Dense(imagePixels, hidden), new ReLU(),
            new Dense(hidden, hidden), new ReLU(),
            new Dense(hidden, classes)));
        Classes = classes;
    }

    /// <summary>The number of classes the network scores.</summary>
    public int Classes { get; }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        x = flatten.Call(x);
        return denseReluSequential.Call(x);
    }
}
