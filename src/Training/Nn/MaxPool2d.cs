namespace Trainer.Training.Nn;

/// <summary>MindSpore's <c>nn.MaxPool2d(kernel_size, stride)</c> over NCHW, pad_mode 'valid'; the stride defaults to the kernel size.</summary>
public sealed class MaxPool2d : Cell
{
    /// <summary>Max pooling over <paramref name="kernelSize"/>² windows moved by <paramref name="stride"/> (the kernel size when null).</summary>
    public MaxPool2d(int kernelSize, int? stride = null)
    {
        if (kernelSize <= 0 || stride <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"MaxPool2d({kernelSize}, stride {stride}): kernel and stride must be positive");
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
    }

    /// <summary>Height and width of the window.</summary>
    public int KernelSize { get; }
    /// <summary>Step of the window along height and width.</summary>
    public int Stride { get; }

    /// <summary>MindSpore's: <c>kernel_size=2, stride=2, pad_mode=VALID</c>.</summary>
    public override string ExtendRepr() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"kernel_size={KernelSize}, stride={Stride}, pad_mode=VALID");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.MaxPool2d(x, KernelSize, KernelSize, Stride, Stride);
}
