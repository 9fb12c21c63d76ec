using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>Which pass of a convolution an implicit GEMM computes (<see cref="ConvGemm"/>).</summary>
internal enum ConvPass
{
    /// <summary>y = W·im2col(x): rows are output channels, columns (n, oh, ow), depth (c, kh, kw).</summary>
    Forward = 0,

    /// <summary>dx = Wᵀ·gather(dy): rows are input channels, columns (n, ih, iw), depth (o, kh, kw).</summary>
    Data = 1,

    /// <summary>dw = dy·im2col(x)ᵀ: rows are output channels, columns (c, kh, kw), depth (n, oh, ow).</summary>
    Filter = 2,
}

/// <summary>
/// One convolution pass as the GEMM it is, C[M,N] = Σ_k A[i,k]·B[k,j], with A and B never stored:
/// the tiled kernel gathers each element from the NCHW/OIHW tensors as it fills its shared-memory
/// tiles (zero where the window falls in the padding, or, for the input gradient, where no output
/// reads the input through that tap). Depth k runs in the order the backend's contract states:
/// (c, kh, kw) forward, (o, kh, kw) for the input gradient, (n, oh, ow) for the weight gradient.
/// </summary>
internal readonly struct ConvGemm
{
    public readonly ConvPass Pass;
    public readonly int M, N, K;

    private ConvGemm(ConvPass pass, long m, long n, long k)
    {
        if (m > int.MaxValue || n > int.MaxValue || k > int.MaxValue)
            throw new ArgumentException($"a {pass} convolution pass of {m}x{n}x{k} is past the tiled kernel's int32 index range");
        Pass = pass;
        M = (int)m; N = (int)n; K = (int)k;
    }

    public static ConvGemm Forward(Conv2dShape s) => new(ConvPass.Forward, s.O, (long)s.N * s.OH * s.OW, (long)s.C * s.KH * s.KW);

    public static ConvGemm Data(Conv2dShape s) => new(ConvPass.Data, s.C, (long)s.N * s.H * s.W, (long)s.O * s.KH * s.KW);

    public static ConvGemm Filter(Conv2dShape s) => new(ConvPass.Filter, s.O, (long)s.C * s.KH * s.KW, (long)s.N * s.OH * s.OW);

    public override string ToString() => $"{Pass} {M}x{N}x{K}";
}
