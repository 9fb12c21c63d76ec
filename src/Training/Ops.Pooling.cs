using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Pooling with padding, ceil mode and averages, and convolution with groups and dilation.</summary>
public static partial class Ops
{
    /// <summary>
    /// Average pooling of NCHW <paramref name="x"/> over <paramref name="kernelH"/>×<paramref name="kernelW"/> windows
    /// (MindSpore's <c>ops.avg_pool2d</c>, PyTorch's <c>avg_pool2d</c>): zero padding on each side (at most half the
    /// window), ceil mode (PyTorch's rule: a last window that starts inside the input or its left padding is kept), and the
    /// divisor: with <paramref name="countIncludePad"/> (the default, as in MindSpore and PyTorch) a window's extent inside
    /// the padded input, without it only the input elements it covers. The stride defaults to the window.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">x is not [N,C,H,W], or the window, stride or padding do not fit.</exception>
    public static Tensor AvgPool2d(Tensor x, int kernelH, int kernelW, int? strideH = null, int? strideW = null, int padH = 0, int padW = 0,
        bool ceilMode = false, bool countIncludePad = true) =>
        Apply(Op.Extension(AvgPool2dOp.Instance, new PoolWindowAttributes(kernelH, kernelW, strideH ?? kernelH, strideW ?? kernelW, padH, padW,
            ceilMode, countIncludePad)), x);

    /// <summary>
    /// Adaptive average pooling of NCHW <paramref name="x"/> to <paramref name="outputH"/>×<paramref name="outputW"/>
    /// (MindSpore's <c>ops.adaptive_avg_pool2d</c>): output row i averages input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1, as PyTorch's
    /// windows; 1×1 is global average pooling.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">x is not [N,C,H,W] or is empty, or an output size is not positive.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outputH, int outputW) =>
        Apply(Op.Extension(AvgPool2dOp.Instance, PoolWindowAttributes.AdaptiveTo(outputH, outputW)), x);

    /// <summary>
    /// 2-D max pooling of NCHW <paramref name="x"/> with zero padding (padded positions never win; at most half the window)
    /// and ceil mode (PyTorch's rule), MindSpore's <c>ops.max_pool2d</c>. Without padding, and where ceil mode adds no
    /// window, it is the tuned <see cref="MaxPool2d(Tensor, int, int, int?, int?)"/>; otherwise the general kernel.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">x is not [N,C,H,W], or the window, stride or padding do not fit.</exception>
    public static Tensor MaxPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, bool ceilMode = false)
    {
        var shape = x.Shape;
        bool ceilAddsNothing = !ceilMode || shape.Rank != 4
            || PoolWindowRule.Output(shape[2], kernelH, strideH, 0, true) == PoolWindowRule.Output(shape[2], kernelH, strideH, 0, false)
            && PoolWindowRule.Output(shape[3], kernelW, strideW, 0, true) == PoolWindowRule.Output(shape[3], kernelW, strideW, 0, false);
        if (padH == 0 && padW == 0 && ceilAddsNothing && kernelH > 0 && kernelW > 0 && strideH > 0 && strideW > 0)
            return MaxPool2d(x, kernelH, kernelW, strideH, strideW);
        return Apply(Op.Extension(PaddedMaxPool2dOp.Instance, new PoolWindowAttributes(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode)), x);
    }

    /// <summary>
    /// 2-D convolution of NCHW <paramref name="x"/> with <paramref name="weight"/> [O, C/groups, KH, KW] (MindSpore's
    /// <c>ops.conv2d</c>): <paramref name="groups"/> splits the channels (groups = C is depthwise), <paramref name="dilationH"/>
    /// and <paramref name="dilationW"/> space the taps. Groups 1 with dilation 1 is the tuned
    /// <see cref="Conv2d(Tensor, Tensor, int, int, int, int)"/>; anything else runs the general kernel. No bias: add one with
    /// <see cref="BiasAdd(Tensor, Tensor, int)"/> over axis 1.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">The shapes, groups, stride, padding or dilation do not fit.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups)
    {
        if (groups == 1 && dilationH == 1 && dilationW == 1) return Conv2d(x, weight, strideH, strideW, padH, padW);
        return Apply(Op.Extension(GroupedConv2dOp.Instance, new GroupedConv2dAttributes(strideH, strideW, padH, padW, dilationH, dilationW, groups)), x, weight);
    }
}
