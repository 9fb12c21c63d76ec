namespace Trainer.Kernels.Windowed;

/// <summary>
/// Where the windows of a general 2-D pooling lie, as PyTorch places them. Fixed windows: along an axis of size H,
/// output o starts at o·S − P and ends at min(start + K, H + P) (so with ceil mode the last window may be cut at the
/// right padding); the count-include-pad divisor is that span, the other divisor the span clamped to 0..H. Adaptive
/// windows: start ⌊o·H/OH⌋, end ⌈(o+1)·H/OH⌉. Output sizes come from the call's shapes. Fields rather than arrays so
/// an ILGPU kernel takes it by value; no out parameters, so no local memory in a kernel.
/// </summary>
internal readonly struct PoolWindowGeometry
{
    public readonly int Planes, H, W, OH, OW, KH, KW, SH, SW, PH, PW, IncludePad, Adaptive;

    private PoolWindowGeometry(int[] x, int[] y, int[] a)
    {
        Planes = x[0] * x[1];
        H = x[2];
        W = x[3];
        OH = y[2];
        OW = y[3];
        KH = a[0];
        KW = a[1];
        SH = a[2];
        SW = a[3];
        PH = a[4];
        PW = a[5];
        IncludePad = a[6];
        Adaptive = a[7];
    }

    /// <summary>The geometry of input <paramref name="x"/> pooled into <paramref name="y"/> with axes [KH, KW, SH, SW, PH, PW, countIncludePad, adaptive].</summary>
    public static PoolWindowGeometry For(int[] x, int[] y, int[] axes)
    {
        if (x.Length != 4 || y.Length != 4 || axes.Length != 8 || x[0] != y[0] || x[1] != y[1])
            throw new ArgumentException($"pooling: expected [N,C,H,W] into [N,C,OH,OW] and 8 window axes, got [{string.Join(",", x)}] into [{string.Join(",", y)}]");
        var g = new PoolWindowGeometry(x, y, axes);
        if (g.Adaptive == 0 && (g.KH <= 0 || g.KW <= 0 || g.SH <= 0 || g.SW <= 0 || g.PH < 0 || g.PW < 0 || 2 * g.PH > g.KH || 2 * g.PW > g.KW))
            throw new ArgumentException($"pooling: window {g.KH}x{g.KW} stride {g.SH}x{g.SW} padding {g.PH}x{g.PW} (padding at most half the window)");
        return g;
    }

    public int OutputCount => Planes * OH * OW;
    public int InputCount => Planes * H * W;

    /// <summary>Where output <paramref name="o"/>'s window starts along an axis of <paramref name="size"/>, clamped into the input.</summary>
    public int Start(int o, int size, int outs, int k, int s, int p) =>
        Adaptive != 0 ? o * size / outs : Math.Max(o * s - p, 0);

    /// <summary>Where output <paramref name="o"/>'s window ends (exclusive), clamped into the input.</summary>
    public int End(int o, int size, int outs, int k, int s, int p) =>
        Adaptive != 0 ? ((o + 1) * size + outs - 1) / outs : Math.Min(o * s - p + k, size);

    /// <summary>The window's extent for the count-include-pad divisor: its span inside the padded input.</summary>
    public int PaddedSpan(int o, int size, int outs, int k, int s, int p) =>
        Adaptive != 0 ? End(o, size, outs, k, s, p) - Start(o, size, outs, k, s, p) : Math.Min(o * s - p + k, size + p) - (o * s - p);

    /// <summary>The first output along an axis whose window can hold input <paramref name="i"/>.</summary>
    public int FirstCovering(int i, int size, int outs, int k, int s, int p) =>
        Adaptive != 0 ? i * outs / size : (i + p - k < 0 ? 0 : (i + p - k) / s + 1);

    /// <summary>The last output along an axis whose window can hold input <paramref name="i"/>.</summary>
    public int LastCovering(int i, int size, int outs, int k, int s, int p) =>
        Math.Min(Adaptive != 0 ? ((i + 1) * outs + size - 1) / size - 1 : (i + p) / s, outs - 1);

    public int RowStart(int oh) => Start(oh, H, OH, KH, SH, PH);
    public int RowEnd(int oh) => End(oh, H, OH, KH, SH, PH);
    public int ColStart(int ow) => Start(ow, W, OW, KW, SW, PW);
    public int ColEnd(int ow) => End(ow, W, OW, KW, SW, PW);

    /// <summary>The average's divisor for output (oh, ow).</summary>
    public float Divisor(int oh, int ow) => IncludePad != 0
        ? PaddedSpan(oh, H, OH, KH, SH, PH) * PaddedSpan(ow, W, OW, KW, SW, PW)
        : (RowEnd(oh) - RowStart(oh)) * (ColEnd(ow) - ColStart(ow));
}
