using System.Globalization;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.AvgPool2d(kernel_size, stride, pad_mode, padding, ceil_mode, count_include_pad)</c> over NCHW: the
/// average of each window, padding counted in the divisor by default (PyTorch's default too); the stride defaults to
/// the kernel size. See <see cref="Ops.AvgPool2d"/>.
/// </summary>
public sealed class AvgPool2d : Cell
{
    /// <summary>Average pooling over <paramref name="kernelSize"/>² windows moved by <paramref name="stride"/> (the kernel size when null).</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        if (kernelSize <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), string.Create(CultureInfo.InvariantCulture,
                $"AvgPool2d({kernelSize}, stride {stride}, padding {padding}): kernel and stride must be positive, padding between 0 and half the kernel"));
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    /// <summary>Height and width of the window.</summary>
    public int KernelSize { get; }
    /// <summary>Step of the window along height and width.</summary>
    public int Stride { get; }
    /// <summary>Zeros added on each side of height and width.</summary>
    public int Padding { get; }
    /// <summary>Whether a last, partial window is kept (PyTorch's rule).</summary>
    public bool CeilMode { get; }
    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>MindSpore's: <c>kernel_size=3, stride=2, pad_mode=PAD, padding=1, ceil_mode=False, count_include_pad=True</c>.</summary>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture,
        $"kernel_size={KernelSize}, stride={Stride}, pad_mode={(Padding == 0 ? "VALID" : "PAD")}, padding={Padding}, " +
        $"ceil_mode={(CeilMode ? "True" : "False")}, count_include_pad={(CountIncludePad ? "True" : "False")}");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.AvgPool2d(x, KernelSize, KernelSize, Stride, Stride, Padding, Padding, CeilMode, CountIncludePad);
}
