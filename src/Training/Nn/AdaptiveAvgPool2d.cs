using System.Globalization;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.AdaptiveAvgPool2d(output_size)</c> over NCHW: averages over PyTorch's adaptive windows to a fixed
/// output size; (1, 1) is global average pooling. See <see cref="Ops.AdaptiveAvgPool2d"/>.
/// </summary>
public sealed class AdaptiveAvgPool2d : Cell
{
    /// <summary>Adaptive average pooling to <paramref name="outputH"/>×<paramref name="outputW"/> (<paramref name="outputH"/> square when null).</summary>
    public AdaptiveAvgPool2d(int outputH, int? outputW = null)
    {
        if (outputH <= 0 || outputW <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputH), string.Create(CultureInfo.InvariantCulture,
                $"AdaptiveAvgPool2d({outputH}, {outputW}): the output size must be positive"));
        OutputH = outputH;
        OutputW = outputW ?? outputH;
    }

    /// <summary>Height of the output.</summary>
    public int OutputH { get; }
    /// <summary>Width of the output.</summary>
    public int OutputW { get; }

    /// <summary>MindSpore's: <c>output_size=(1, 1)</c>.</summary>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture, $"output_size=({OutputH}, {OutputW})");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.AdaptiveAvgPool2d(x, OutputH, OutputW);
}
