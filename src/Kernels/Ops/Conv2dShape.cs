namespace Trainer.Kernels.Ops;

/// <summary>
/// A 2-D convolution in NCHW with OIHW weights (dilation 1, groups 1): input [N,C,H,W], weight
/// [O,C,KH,KW], stride and zero padding per spatial axis, output [N,O,OH,OW] with
/// OH = (H + 2·PadH − KH)/StrideH + 1 and OW likewise.
/// </summary>
public readonly struct Conv2dShape
{
    /// <summary>Batch, input channels, input height and width, output channels, kernel height and width, strides, paddings, output height and width.</summary>
    public readonly int N, C, H, W, O, KH, KW, StrideH, StrideW, PadH, PadW, OH, OW;

    /// <summary>A convolution of input [n,c,h,w] with weight [o,c,kh,kw]; throws <see cref="ArgumentException"/> when a size is not positive or the kernel does not fit the padded input.</summary>
    public Conv2dShape(int n, int c, int h, int w, int o, int kh, int kw, int strideH, int strideW, int padH, int padW)
    {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || o <= 0 || kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0)
            throw new ArgumentException($"invalid convolution: input [{n},{c},{h},{w}], kernel [{o},{c},{kh},{kw}], stride ({strideH},{strideW}), padding ({padH},{padW})");
        if (h + 2 * padH < kh || w + 2 * padW < kw)
            throw new ArgumentException($"a {kh}x{kw} kernel does not fit a {h}x{w} input padded by ({padH},{padW})");
        N = n; C = c; H = h; W = w; O = o; KH = kh; KW = kw;
        StrideH = strideH; StrideW = strideW; PadH = padH; PadW = padW;
        OH = (h + 2 * padH - kh) / strideH + 1;
        OW = (w + 2 * padW - kw) / strideW + 1;
    }

    /// <summary>Elements of the input, N·C·H·W.</summary>
    public long InputCount => (long)N * C * H * W;
    /// <summary>Elements of the weight, O·C·KH·KW.</summary>
    public long WeightCount => (long)O * C * KH * KW;
    /// <summary>Elements of the output, N·O·OH·OW.</summary>
    public long OutputCount => (long)N * O * OH * OW;

    /// <summary>
    /// Floats of scratch every convolution kernel (forward and both gradients) may use: the im2col
    /// column matrix, C·KH·KW rows by N·OH·OW columns, then O channel-major output planes of N·OH·OW.
    /// The op declares it, the memory planner places it in the arena (eager mode rents it from its
    /// pool), so no kernel allocates. It bounds what any backend declares
    /// (<see cref="Device.IKernelBackend.Conv2dWorkspaceBytes"/>), which is what the planner reserves
    /// when it plans for no particular backend.
    /// </summary>
    public long WorkspaceFloats => ((long)C * KH * KW + O) * N * OH * OW;

    /// <see cref="WorkspaceFloats"/> in bytes.
    public long WorkspaceBytes => WorkspaceFloats * sizeof(float);

    /// <summary>Multiply-adds of the forward pass (each backward pass does as many).</summary>
    public long MultiplyAdds => OutputCount * C * KH * KW;

    /// <summary>The shape as text, e.g. <c>8x1x28x28 * 6x1x5x5 stride 1,1 pad 2,2 -&gt; 8x6x28x28</c>.</summary>
    public override string ToString() =>
        $"{N}x{C}x{H}x{W} * {O}x{C}x{KH}x{KW} stride {StrideH},{StrideW} pad {PadH},{PadW} -> {N}x{O}x{OH}x{OW}";
}
