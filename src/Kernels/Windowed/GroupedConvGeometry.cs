namespace Trainer.Kernels.Windowed;

/// <summary>
/// A 2-D convolution with groups and dilation: x [N,C,H,W], w [O,C/G,KH,KW], y [N,O,OH,OW]; output channel o reads
/// the input channels of its group g = o / (O/G), tap (kh, kw) reads input row oh·SH − PH + kh·DH (zero outside).
/// Fields rather than arrays so an ILGPU kernel takes it by value.
/// </summary>
internal readonly struct GroupedConvGeometry
{
    public readonly int N, C, H, W, O, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW, G, CG, OG;

    private GroupedConvGeometry(int[] x, int[] w, int[] y, int[] a)
    {
        N = x[0]; C = x[1]; H = x[2]; W = x[3];
        O = w[0]; KH = w[2]; KW = w[3];
        OH = y[2]; OW = y[3];
        SH = a[0]; SW = a[1]; PH = a[2]; PW = a[3]; DH = a[4]; DW = a[5]; G = a[6];
        CG = G > 0 ? C / G : 0;
        OG = G > 0 ? O / G : 0;
    }

    /// <summary>The geometry of x convolved with w into y, axes [SH, SW, PH, PW, DH, DW, G]; an error when they do not fit together.</summary>
    public static GroupedConvGeometry For(int[] x, int[] w, int[] y, int[] axes)
    {
        if (x.Length != 4 || w.Length != 4 || y.Length != 4 || axes.Length != 7)
            throw new ArgumentException("grouped convolution: expected x [N,C,H,W], w [O,C/G,KH,KW], y [N,O,OH,OW] and 7 axes");
        var g = new GroupedConvGeometry(x, w, y, axes);
        if (g.G <= 0 || g.SH <= 0 || g.SW <= 0 || g.DH <= 0 || g.DW <= 0 || g.PH < 0 || g.PW < 0 || g.C % g.G != 0 || g.O % g.G != 0
            || w[1] != g.CG || y[0] != g.N || y[1] != g.O
            || g.OH != (g.H + 2 * g.PH - g.DH * (g.KH - 1) - 1) / g.SH + 1 || g.OW != (g.W + 2 * g.PW - g.DW * (g.KW - 1) - 1) / g.SW + 1)
            throw new ArgumentException($"grouped convolution: x [{string.Join(",", x)}], w [{string.Join(",", w)}], y [{string.Join(",", y)}], axes [{string.Join(",", axes)}] do not fit");
        return g;
    }

    public int OutputCount => N * O * OH * OW;
    public int InputCount => N * C * H * W;
    public int WeightCount => O * CG * KH * KW;
}
