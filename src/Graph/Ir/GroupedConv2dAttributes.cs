namespace Trainer.Graph.Ir;

/// <summary>
/// A 2-D convolution with groups and dilation: stride, zero padding and dilation per spatial axis and the group count
/// (input and output channels split into <see cref="Groups"/> equal parts, each output part reading only its input part;
/// groups = input channels is a depthwise convolution). The gradient ops also carry the extent their inputs' shapes cannot
/// tell: the input's H×W for the data gradient, the kernel's KH×KW for the weight gradient (0 on the forward op).
/// </summary>
public sealed record GroupedConv2dAttributes(int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int Groups,
    int ExtentH = 0, int ExtentW = 0) : OpAttributes
{
    /// <summary>The kernel's axes: [SH, SW, PH, PW, DH, DW, G].</summary>
    public int[] KernelAxes() => [StrideH, StrideW, PadH, PadW, DilationH, DilationW, Groups];

    /// <inheritdoc/>
    public override string Print() =>
        $"stride={StrideH}x{StrideW},pad={PadH}x{PadW},dilation={DilationH}x{DilationW},groups={Groups}" + (ExtentH == 0 ? "" : $",extent={ExtentH}x{ExtentW}");
}
