using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>
/// The quick-start model: Flatten → Dense(784,512) → ReLU → Dense(512,512) → ReLU → Dense(512,10); with a dropout
/// probability above 0, a <see cref="Dropout"/> after each hidden ReLU, before the next Dense (PyTorch's and MindSpore's
/// sequential numbering then shifts: <c>dense_relu_sequential.3.weight</c> is the second Dense).
/// </summary>
public sealed class MnistNetwork : Cell, IClassifier
{
    private readonly Flatten flatten;
    private readonly SequentialCell denseReluSequential;

    /// <summary>The ten digits.</summary>
    public const int DefaultClasses = 10;

    /// <summary>The tutorial's MLP: <paramref name="imagePixels"/> inputs, two hidden layers of <paramref name="hidden"/>, <paramref name="classes"/> outputs.</summary>
    public MnistNetwork(int imagePixels = 28 * 28, int hidden = 512, int classes = DefaultClasses) : this(imagePixels, hidden, classes, 0f) { }

    /// <summary>The tutorial's MLP with <see cref="Dropout"/>(<paramref name="dropout"/>) before the second and third Dense; 0 builds exactly the MLP without it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public MnistNetwork(int imagePixels, int hidden, int classes, float dropout)
    {
        flatten = Register("flatten", new Flatten());
        Cell[] Hidden(int inputs) => dropout > 0f
            ? [new Dense(inputs, hidden), new ReLU(), new Dropout(dropout)]
            : [new Dense(inputs, hidden), new ReLU()];
        Dropout.CheckProbability(dropout);
        denseReluSequential = Register("dense_relu_sequential", new SequentialCell(
            [.. Hidden(imagePixels), .. Hidden(hidden), new Dense(hidden, classes)]));
        Classes = classes;
        DropoutProbability = dropout;
    }

    /// <summary>The probability of the Dropout before each hidden Dense; 0 when there is none.</summary>
    public float DropoutProbability { get; }

    /// <summary>The number of classes the network scores.</summary>
    public int Classes { get; }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        x = flatten.Call(x);
        return denseReluSequential.Call(x);
    }
}
