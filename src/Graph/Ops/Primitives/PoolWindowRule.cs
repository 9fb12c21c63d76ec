using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>The type rule the general pooling ops share: PyTorch's output size, and the window axes their kernels take.</summary>
public static class PoolWindowRule
{
    /// <summary>
    /// The output size along an axis of <paramref name="size"/>: ⌊(size + 2p − k)/s⌋ + 1, with ceil mode ⌈…⌉ + 1 less one
    /// when the last window would start past the input and its left padding (PyTorch's rule).
    /// </summary>
    public static int Output(int size, int k, int s, int p, bool ceil)
    {
        long span = (long)size + 2 * p - k;
        long o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= size + p) o--;
        return (int)o;
    }

    /// <summary>The output [N,C,OH,OW] of pooling <paramref name="x"/>, or an error naming the op, its inputs and what is wrong.</summary>
    public static int[] OutputShape(Op op, IReadOnlyList<TensorType> inputs, int[] x, Func<string, Exception> error)
    {
        if (op.Attributes is not PoolWindowAttributes a) throw error("missing window attributes");
        if (x.Length != 4) throw error("expected x [N,C,H,W]");
        if ((long)x[0] * x[1] * x[2] * x[3] > int.MaxValue) throw error($"more than {int.MaxValue} elements");
        if (a.Adaptive)
        {
            if (a.AdaptiveW <= 0) throw error("the output size must be positive");
            if (x[2] == 0 || x[3] == 0) throw error("an adaptive pooling needs a non-empty input");
            if ((long)x[0] * x[1] * a.AdaptiveH * a.AdaptiveW > int.MaxValue) throw error($"more than {int.MaxValue} output elements");
            // The kernels compute window bounds as (o + 1)·H in 32 bits.
            if ((long)(x[2] + 1) * a.AdaptiveH > int.MaxValue || (long)(x[3] + 1) * a.AdaptiveW > int.MaxValue)
                throw error($"input size times output size above {int.MaxValue}");
            return [x[0], x[1], a.AdaptiveH, a.AdaptiveW];
        }
        if (a.KernelH <= 0 || a.KernelW <= 0 || a.StrideH <= 0 || a.StrideW <= 0) throw error("window and stride must be positive");
        if (a.PadH < 0 || a.PadW < 0 || 2 * a.PadH > a.KernelH || 2 * a.PadW > a.KernelW)
            throw error("padding must be non-negative and at most half the window");
        if (x[2] + 2L * a.PadH < a.KernelH || x[3] + 2L * a.PadW < a.KernelW)
            throw error($"a {a.KernelH}x{a.KernelW} window does not fit a {x[2]}x{x[3]} input padded by {a.PadH}x{a.PadW}");
        return [x[0], x[1], Output(x[2], a.KernelH, a.StrideH, a.PadH, a.CeilMode), Output(x[3], a.KernelW, a.StrideW, a.PadW, a.CeilMode)];
    }

    /// <summary>The kernels' axes: [KH, KW, SH, SW, PH, PW, countIncludePad, adaptive].</summary>
    public static int[] Axes(PoolWindowAttributes a) =>
        [a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW, a.CountIncludePad ? 1 : 0, a.Adaptive ? 1 : 0];

    /// <summary>The input shape a gradient op restores from dy and its attributes, checked against dy's pooled size.</summary>
    public static int[] GradientShape(Op op, IReadOnlyList<TensorType> inputs, int[] dy, Func<string, Exception> error)
    {
        if (op.Attributes is not PoolWindowAttributes a || a.InputH <= 0 || a.InputW <= 0) throw error("missing the input's extent");
        if (dy.Length != 4) throw error("expected dy [N,C,OH,OW]");
        int[] x = [dy[0], dy[1], a.InputH, a.InputW];
        var y = OutputShape(op, inputs, x, error);
        if (y[2] != dy[2] || y[3] != dy[3]) throw error($"dy is {dy[2]}x{dy[3]} but a {a.InputH}x{a.InputW} input pools to {y[2]}x{y[3]}");
        return x;
    }

    /// <summary>Operations per output element: the window's size (adaptive: the input spread over the outputs).</summary>
    public static long Flops(PoolWindowAttributes a, int[] x, int[] y) =>
        a.Adaptive ? (long)x[0] * x[1] * x[2] * x[3] + (long)y[0] * y[1] * y[2] * y[3] : (long)y[0] * y[1] * y[2] * y[3] * a.KernelH * a.KernelW;
}
