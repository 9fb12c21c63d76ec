namespace Trainer.Kernels.Windowed;

/// <summary>
/// The table keys of the general pooling and convolution kernels: windows with padding, ceil mode, adaptive bounds,
/// averages, groups and dilation, beside the tuned interface kernels that keep serving the configurations they had.
/// Every output element is one sum (or one maximum) over its window in a fixed order, one element per thread step,
/// so every backend and thread count gives the same bits.
/// </summary>
public static class WindowedKeys
{
    /// <summary>
    /// Average over each window of float32 [N,C,H,W] into [N,C,OH,OW]: <see cref="Device.KernelCall.Axes"/> =
    /// [KH, KW, SH, SW, PH, PW, countIncludePad, adaptive] (<see cref="PoolWindowGeometry"/>).
    /// </summary>
    public const string AvgPool = "pool2d.avg";

    /// <summary>The gradient of <see cref="AvgPool"/>: dy [N,C,OH,OW] in, dx [N,C,H,W] out, the same axes.</summary>
    public const string AvgPoolGrad = "pool2d.avg_grad";

    /// <summary>Maximum over each window (padding never wins, the first maximum in row-major order), the same axes as <see cref="AvgPool"/>.</summary>
    public const string MaxPool = "pool2d.max";

    /// <summary>The gradient of <see cref="MaxPool"/>: inputs x and dy, output dx; dy goes to each window's first maximum.</summary>
    public const string MaxPoolGrad = "pool2d.max_grad";

    /// <summary>
    /// Convolution of x [N,C,H,W] with w [O,C/G,KH,KW] into y [N,O,OH,OW]: <see cref="Device.KernelCall.Axes"/> =
    /// [SH, SW, PH, PW, DH, DW, G] (<see cref="GroupedConvGeometry"/>).
    /// </summary>
    public const string GroupedConv = "conv2d.grouped";

    /// <summary>The input gradient of <see cref="GroupedConv"/>: inputs dy and w, output dx, the same axes.</summary>
    public const string GroupedConvData = "conv2d.grouped_data_grad";

    /// <summary>The weight gradient of <see cref="GroupedConv"/>: inputs x and dy, output dw, the same axes.</summary>
    public const string GroupedConvFilter = "conv2d.grouped_filter_grad";
}
