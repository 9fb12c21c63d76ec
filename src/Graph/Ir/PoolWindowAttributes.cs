namespace Trainer.Graph.Ir;

/// <summary>
/// A general 2-D pooling window: kernel, stride and zero padding per spatial axis, PyTorch's ceil mode (the last window
/// may overhang the input and right padding, but must start inside the input or the left padding), and for averages
/// whether padded positions count in the divisor (<see cref="CountIncludePad"/>, PyTorch's and MindSpore's default).
/// An adaptive pooling sets <see cref="AdaptiveH"/>×<see cref="AdaptiveW"/>, the output size (windows ⌊i·H/OH⌋ to
/// ⌈(i+1)·H/OH⌉), and leaves the window fields 0. A gradient op also carries the input's <see cref="InputH"/>×<see cref="InputW"/>,
/// which dy's shape cannot tell (0 on the forward op).
/// </summary>
public sealed record PoolWindowAttributes(int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW,
    bool CeilMode = false, bool CountIncludePad = true, int AdaptiveH = 0, int AdaptiveW = 0, int InputH = 0, int InputW = 0) : OpAttributes
{
    /// <summary>Whether the windows are adaptive (set by the output size) rather than a fixed kernel and stride.</summary>
    public bool Adaptive => AdaptiveH > 0;

    /// <summary>An adaptive pooling to <paramref name="outputH"/>×<paramref name="outputW"/>.</summary>
    public static PoolWindowAttributes AdaptiveTo(int outputH, int outputW) => new(0, 0, 0, 0, 0, 0, AdaptiveH: outputH, AdaptiveW: outputW);

    /// <inheritdoc/>
    public override string Print() =>
        (Adaptive ? $"output={AdaptiveH}x{AdaptiveW}"
            : $"kernel={KernelH}x{KernelW},stride={StrideH}x{StrideW},pad={PadH}x{PadW}{(CeilMode ? ",ceil" : "")}{(CountIncludePad ? "" : ",exclude-pad")}")
        + (InputH == 0 ? "" : $",input={InputH}x{InputW}");
}
