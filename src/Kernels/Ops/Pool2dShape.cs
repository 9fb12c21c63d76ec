namespace Trainer.Kernels.Ops;

/// <summary>
/// 2-D max pooling over NCHW without padding (MindSpore's pad_mode "valid"): input [N,C,H,W],
/// window KH×KW moved by the stride, output [N,C,OH,OW] with OH = (H − KH)/StrideH + 1, OW likewise.
/// </summary>
public readonly struct Pool2dShape
{
    /// <summary>Batch, channels, input height and width, window height and width, strides, output height and width.</summary>
    public readonly int N, C, H, W, KH, KW, StrideH, StrideW, OH, OW;

    /// <summary>A pooling of input [n,c,h,w] by a kh×kw window; throws <see cref="ArgumentException"/> when a size is not positive or the window does not fit.</summary>
    public Pool2dShape(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW)
    {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0)
            throw new ArgumentException($"invalid pooling: input [{n},{c},{h},{w}], window {kh}x{kw}, stride ({strideH},{strideW})");
        if (h < kh || w < kw)
            throw new ArgumentException($"a {kh}x{kw} window does not fit a {h}x{w} input");
        N = n; C = c; H = h; W = w; KH = kh; KW = kw; StrideH = strideH; StrideW = strideW;
        OH = (h - kh) / strideH + 1;
        OW = (w - kw) / strideW + 1;
    }

    /// <summary>Elements of the input, N·C·H·W.</summary>
    public long InputCount => (long)N * C * H * W;
    /// <summary>Elements of the output, N·C·OH·OW.</summary>
    public long OutputCount => (long)N * C * OH * OW;

    /// <summary>The shape as text, e.g. <c>8x6x28x28 window 2x2 stride 2,2 -&gt; 8x6x14x14</c>.</summary>
    public override string ToString() => $"{N}x{C}x{H}x{W} window {KH}x{KW} stride {StrideH},{StrideW} -> {N}x{C}x{OH}x{OW}";
}
