using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The shape of a stride-1 correlation computed on a "wide" grid, which is how the native backend's
/// direct convolutions keep 16-lane vectors full at small channel counts. The input planes are
/// copied zero-padded into the workspace, Hp × Wp each; an output position (oh, ow) then reads
/// input element q + kh·Wp + kw of its plane, q = oh·Wp + ow, so a run of consecutive q is one
/// vector load per tap, across row ends. The grid has Wp columns per row, OW of them real (the
/// rest are discarded), rounded up to <see cref="Wide"/> floats per plane, a whole number of
/// vector pairs.
/// <para>The forward pass is this correlation of x padded by (PadH, PadW); the data gradient is the
/// same correlation of dy padded by (KH−1−PadH, KW−1−PadW) with the flipped, transposed filter; the
/// filter gradient multiplies dy laid out on the wide grid (zero in the discarded columns) by the
/// padded x.</para>
/// </summary>
internal readonly struct DirectConvGeometry
{
    /// <summary>Floats in one vector (and the step of the wide grid's inner loops).</summary>
    public const int Lanes = 16;

    /// <summary>Floats a kernel may read past the last padded plane: the last vector pair plus the last tap's column.</summary>
    public long Slack => 2 * Lanes + KW;

    /// <summary>Images, input planes per image, output planes per image.</summary>
    public readonly int N, In, Out;

    /// <summary>The unpadded input plane, the padding, the padded plane, the kernel and the output plane.</summary>
    public readonly int H, W, PadH, PadW, Hp, Wp, KH, KW, OH, OW;

    /// <summary>Floats per plane of the wide output grid: OH·Wp rounded up to a multiple of 2·<see cref="Lanes"/>.</summary>
    public readonly int Wide;

    public DirectConvGeometry(int n, int inPlanes, int outPlanes, int h, int w, int padH, int padW, int kh, int kw)
    {
        N = n; In = inPlanes; Out = outPlanes; H = h; W = w; PadH = padH; PadW = padW; KH = kh; KW = kw;
        Hp = h + 2 * padH;
        Wp = w + 2 * padW;
        OH = Hp - kh + 1;
        OW = Wp - kw + 1;
        int pair = 2 * Lanes;
        Wide = (OH * Wp + pair - 1) / pair * pair;
    }

    /// <summary>The forward pass of <paramref name="s"/>: x's C planes in, O planes out.</summary>
    public static DirectConvGeometry Forward(Conv2dShape s) => new(s.N, s.C, s.O, s.H, s.W, s.PadH, s.PadW, s.KH, s.KW);

    /// <summary>The data gradient of <paramref name="s"/>: dy's O planes in, padded so the output is H × W, C planes out.</summary>
    public static DirectConvGeometry BackwardData(Conv2dShape s) =>
        new(s.N, s.O, s.C, s.OH, s.OW, s.KH - 1 - s.PadH, s.KW - 1 - s.PadW, s.KH, s.KW);

    public int Taps => KH * KW;
    public long PaddedPlane => (long)Hp * Wp;

    /// <summary>The padded input planes of the whole batch and their slack (the filter gradient's copy of x).</summary>
    public long PaddedFloats => N * In * PaddedPlane + Slack;

    /// <summary>The wide planes of the whole batch (the filter gradient's copy of dy).</summary>
    public long WideFloats => (long)N * Out * Wide;

    /// <summary>Most output planes one correlation task computes at once.</summary>
    public const int ChannelBlock = 8;

    /// <summary>
    /// One worker's scratch for a correlation task: one image's padded planes and slack, then
    /// <see cref="ChannelBlock"/> (or <see cref="Out"/>, if fewer) wide output planes, rounded to whole cache lines. Each task pads
    /// its image and crops its planes inside this, so they stay in the core's cache.
    /// </summary>
    public long WorkerFloats => (In * PaddedPlane + Slack + 15) / 16 * 16 + (long)Math.Min(Out, ChannelBlock) * Wide;

    /// <summary>The whole batch's padded planes (rounded to whole cache lines), then its wide output planes.</summary>
    public long BatchFloats => (PaddedFloats + 15) / 16 * 16 + WideFloats;

    /// <summary>
    /// Whether a correlation on <paramref name="threads"/> workers pads and crops in per-worker scratch
    /// (<see cref="WorkerFloats"/> each), or, where that would take more, in whole-batch buffers
    /// (<see cref="BatchFloats"/>). Either way every output is the same chain of multiply-adds.
    /// </summary>
    public bool PerWorker(int threads) => threads * WorkerFloats <= BatchFloats;

    /// <summary>The scratch a correlation on <paramref name="threads"/> workers uses.</summary>
    public long ScratchFloats(int threads) => PerWorker(threads) ? threads * WorkerFloats : BatchFloats;

    /// <summary>
    /// Whether the native backend computes <paramref name="s"/> with the direct kernels: stride 1, a
    /// kernel larger than 1×1 (1×1 and strided convolutions stay im2col + GEMM), padding below the
    /// kernel (so the data gradient's padding is not negative), and whole-batch scratch no larger
    /// than im2col's, so <see cref="Conv2dShape.WorkspaceBytes"/> still bounds every backend. A
    /// function of the shape alone, so the choice, and with it the results, does not depend on the
    /// thread count. (Whether the hardware has 512-bit vectors is the backend's part of the choice.)
    /// </summary>
    public static bool Applies(Conv2dShape s) =>
        s.StrideH == 1 && s.StrideW == 1 && s.KH * s.KW > 1
        && s.PadH < s.KH && s.PadW < s.KW
        && (long)(s.H + 2 * s.PadH) * (s.W + 2 * s.PadW) < int.MaxValue / 2
        && (long)(s.OH + 2 * s.KH) * (s.OW + 2 * s.KW) < int.MaxValue / 2
        && Math.Max(Forward(s).BatchFloats, FlippedFloats(s) + BackwardData(s).BatchFloats) <= s.WorkspaceFloats;

    /// <summary>
    /// Floats of workspace the direct kernels need on <paramref name="threads"/> workers, the most of
    /// the three passes: the forward pass its correlation's scratch (<see cref="ScratchFloats"/>);
    /// the data gradient as much, after the flipped filter; the filter gradient the padded x and the
    /// wide dy of the batch. Never more than the whole-batch figure <see cref="Applies"/> checks.
    /// </summary>
    public static long WorkspaceFloats(Conv2dShape s, int threads)
    {
        long forward = Forward(s).ScratchFloats(threads);
        long data = FlippedFloats(s) + BackwardData(s).ScratchFloats(threads);
        long filter = Forward(s).PaddedFloats + Forward(s).WideFloats;
        return Math.Max(forward, Math.Max(data, filter));
    }

    /// <summary>The flipped, transposed filter of the data gradient, rounded to whole cache lines.</summary>
    public static long FlippedFloats(Conv2dShape s) => (s.WeightCount + 15) / 16 * 16;
}
