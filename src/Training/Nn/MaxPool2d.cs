namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.MaxPool2d(kernel_size, stride, pad_mode, padding, ceil_mode)</c> over NCHW; the stride defaults to the
/// kernel size. Without padding or ceil mode it is pad_mode 'valid' on the tuned kernel; with them padded positions never win
/// and ceil mode keeps a last window that starts inside the input or its left padding (PyTorch's rule).
/// </summary>
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

    /// <summary>Max pooling with <paramref name="padding"/> zeros on each side (at most half the kernel) and, with <paramref name="ceilMode"/>, a last partial window.</summary>
    public MaxPool2d(int kernelSize, int? stride, int padding, bool ceilMode = false) : this(kernelSize, stride)
    {
        if (padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentOutOfRangeException(nameof(padding), System.FormattableString.Invariant(
                $"MaxPool2d({kernelSize}, padding {padding}): padding must be between 0 and half the kernel"));
        Padding = padding;
        CeilMode = ceilMode;
    }

    /// <summary>Height and width of the window.</summary>
    public int KernelSize { get; }
    /// <summary>Step of the window along height and width.</summary>
    public int Stride { get; }
    /// <summary>Zeros added on each side of height and width (padded positions never win).</summary>
    public int Padding { get; }
    /// <summary>Whether a last, partial window is kept (PyTorch's rule).</summary>
    public bool CeilMode { get; }

    /// <summary>MindSpore's: <c>kernel_size=2, stride=2, pad_mode=VALID</c>; with padding or ceil mode <c>pad_mode=PAD, padding=1, ceil_mode=True</c>.</summary>
    public override string ExtendRepr() => Padding == 0 && !CeilMode
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"kernel_size={KernelSize}, stride={Stride}, pad_mode=VALID")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"kernel_size={KernelSize}, stride={Stride}, pad_mode=PAD, padding={Padding}, ceil_mode={(CeilMode ? "True" : "False")}");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Padding == 0 && !CeilMode
        ? Ops.MaxPool2d(x, KernelSize, KernelSize, Stride, Stride)
        : Ops.MaxPool2d(x, KernelSize, KernelSize, Stride, Stride, Padding, Padding, CeilMode);
}
