using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The register-blocked inner loops of the direct convolutions (<see cref="DirectConvGeometry"/>),
/// 16-lane vectors along the wide grid. Each output is one fused multiply-add chain in a fixed
/// order (input plane, then kernel row, then kernel column; for the filter gradient image, then
/// grid position, lane by lane, then the lanes summed by <see cref="Vector512.Sum{T}"/>), computed by
/// one call, so results do not depend on how calls are spread over threads.
/// </summary>
internal static unsafe class DirectConvKernels
{
    private const int Lanes = DirectConvGeometry.Lanes;

    /// <summary>
    /// wide[o·Wide + q] = Σ_c Σ_kh Σ_kw w[o·wOut + (c·KH + kh)·KW + kw] · xpad[c·Hp·Wp + q + kh·Wp + kw]
    /// for o &lt; <typeparamref name="TO"/> and q &lt; Wide: <typeparamref name="TO"/> output planes of
    /// one image, two vectors of the grid at a time (2·TO accumulators in registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate<TO>(float* xpad, float* w, long wOut, float* wide, in DirectConvGeometry g) where TO : struct, IBlockCount
    {
        int planes = g.In, kh = g.KH, kw = g.KW, wp = g.Wp, taps = g.Taps, stride = g.Wide;
        long plane = g.PaddedPlane;
        for (int q = 0; q < stride; q += 2 * Lanes)
        {
            Vector512<float> a0 = default, b0 = default; Vector512<float> a1 = default, b1 = default; Vector512<float> a2 = default, b2 = default; Vector512<float> a3 = default, b3 = default; Vector512<float> a4 = default, b4 = default; Vector512<float> a5 = default, b5 = default; Vector512<float> a6 = default, b6 = default; Vector512<float> a7 = default, b7 = default;
            for (int c = 0; c < planes; c++)
            {
                float* xc = xpad + c * plane + q;
                float* wc = w + c * taps;
                for (int r = 0; r < kh; r++)
                {
                    float* xr = xc + r * wp;
                    float* wr = wc + r * kw;
                    for (int j = 0; j < kw; j++)
                    {
                        var x0 = Vector512.Load(xr + j);
                        var x1 = Vector512.Load(xr + j + Lanes);
                        float* wt = wr + j;
                        var v = Vector512.Create(wt[0]);
                        a0 = Vector512.FusedMultiplyAdd(v, x0, a0);
                        b0 = Vector512.FusedMultiplyAdd(v, x1, b0);
                        if (TO.Value > 1)
                        {
                            v = Vector512.Create(wt[1 * wOut]);
                            a1 = Vector512.FusedMultiplyAdd(v, x0, a1);
                            b1 = Vector512.FusedMultiplyAdd(v, x1, b1);
                        }
                        if (TO.Value > 2)
                        {
                            v = Vector512.Create(wt[2 * wOut]);
                            a2 = Vector512.FusedMultiplyAdd(v, x0, a2);
                            b2 = Vector512.FusedMultiplyAdd(v, x1, b2);
                        }
                        if (TO.Value > 3)
                        {
                            v = Vector512.Create(wt[3 * wOut]);
                            a3 = Vector512.FusedMultiplyAdd(v, x0, a3);
                            b3 = Vector512.FusedMultiplyAdd(v, x1, b3);
                        }
                        if (TO.Value > 4)
                        {
                            v = Vector512.Create(wt[4 * wOut]);
                            a4 = Vector512.FusedMultiplyAdd(v, x0, a4);
                            b4 = Vector512.FusedMultiplyAdd(v, x1, b4);
                        }
                        if (TO.Value > 5)
                        {
                            v = Vector512.Create(wt[5 * wOut]);
                            a5 = Vector512.FusedMultiplyAdd(v, x0, a5);
                            b5 = Vector512.FusedMultiplyAdd(v, x1, b5);
                        }
                        if (TO.Value > 6)
                        {
                            v = Vector512.Create(wt[6 * wOut]);
                            a6 = Vector512.FusedMultiplyAdd(v, x0, a6);
                            b6 = Vector512.FusedMultiplyAdd(v, x1, b6);
                        }
                        if (TO.Value > 7)
                        {
                            v = Vector512.Create(wt[7 * wOut]);
                            a7 = Vector512.FusedMultiplyAdd(v, x0, a7);
                            b7 = Vector512.FusedMultiplyAdd(v, x1, b7);
                        }
                    }
                }
            }
            float* o = wide + q;
            a0.Store(o);
            b0.Store(o + Lanes);
            if (TO.Value > 1) { a1.Store(o + 1 * (long)stride); b1.Store(o + 1 * (long)stride + Lanes); }
            if (TO.Value > 2) { a2.Store(o + 2 * (long)stride); b2.Store(o + 2 * (long)stride + Lanes); }
            if (TO.Value > 3) { a3.Store(o + 3 * (long)stride); b3.Store(o + 3 * (long)stride + Lanes); }
            if (TO.Value > 4) { a4.Store(o + 4 * (long)stride); b4.Store(o + 4 * (long)stride + Lanes); }
            if (TO.Value > 5) { a5.Store(o + 5 * (long)stride); b5.Store(o + 5 * (long)stride + Lanes); }
            if (TO.Value > 6) { a6.Store(o + 6 * (long)stride); b6.Store(o + 6 * (long)stride + Lanes); }
            if (TO.Value > 7) { a7.Store(o + 7 * (long)stride); b7.Store(o + 7 * (long)stride + Lanes); }
        }
    }

    /// <summary>
    /// dw[o·dwOut + t] = Σ_img Σ_q dyw[img·dyImage + o·Wide + q] · xpad[img·xImage + q + off(t0 + t)]
    /// for o &lt; <typeparamref name="TO"/> and t &lt; <typeparamref name="TT"/>, off(t) = (t / KW)·Wp + t mod KW:
    /// <typeparamref name="TO"/> output channels by <typeparamref name="TT"/> consecutive taps of one
    /// input channel, summed over <paramref name="images"/> images (TO·TT accumulators in registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FilterTaps<TO, TT>(float* xpad, long xImage, float* dyw, long dyImage, int images, int t0, float* dw, long dwOut, in DirectConvGeometry g)
        where TO : struct, IBlockCount where TT : struct, IBlockCount
    {
        int stride = g.Wide, kw = g.KW, wp = g.Wp;
        int f0 = TT.Value > 0 ? (t0 + 0) / kw * wp + (t0 + 0) % kw : 0;
        int f1 = TT.Value > 1 ? (t0 + 1) / kw * wp + (t0 + 1) % kw : 0;
        int f2 = TT.Value > 2 ? (t0 + 2) / kw * wp + (t0 + 2) % kw : 0;
        int f3 = TT.Value > 3 ? (t0 + 3) / kw * wp + (t0 + 3) % kw : 0;
        int f4 = TT.Value > 4 ? (t0 + 4) / kw * wp + (t0 + 4) % kw : 0;
        int f5 = TT.Value > 5 ? (t0 + 5) / kw * wp + (t0 + 5) % kw : 0;
        int f6 = TT.Value > 6 ? (t0 + 6) / kw * wp + (t0 + 6) % kw : 0;
        int f7 = TT.Value > 7 ? (t0 + 7) / kw * wp + (t0 + 7) % kw : 0;
        Vector512<float> a0 = default, b0 = default; Vector512<float> a1 = default, b1 = default; Vector512<float> a2 = default, b2 = default; Vector512<float> a3 = default, b3 = default; Vector512<float> a4 = default, b4 = default; Vector512<float> a5 = default, b5 = default; Vector512<float> a6 = default, b6 = default; Vector512<float> a7 = default, b7 = default;
        for (int img = 0; img < images; img++)
        {
            float* x = xpad + img * xImage;
            float* d = dyw + img * dyImage;
            for (int q = 0; q < stride; q += Lanes)
            {
                var d0 = Vector512.Load(d + q);
                var d1 = TO.Value > 1 ? Vector512.Load(d + stride + q) : default;
                float* xq = x + q;
                var v = Vector512.Load(xq + f0);
                a0 = Vector512.FusedMultiplyAdd(d0, v, a0);
                if (TO.Value > 1) b0 = Vector512.FusedMultiplyAdd(d1, v, b0);
                if (TT.Value > 1)
                {
                    v = Vector512.Load(xq + f1);
                    a1 = Vector512.FusedMultiplyAdd(d0, v, a1);
                    if (TO.Value > 1) b1 = Vector512.FusedMultiplyAdd(d1, v, b1);
                }
                if (TT.Value > 2)
                {
                    v = Vector512.Load(xq + f2);
                    a2 = Vector512.FusedMultiplyAdd(d0, v, a2);
                    if (TO.Value > 1) b2 = Vector512.FusedMultiplyAdd(d1, v, b2);
                }
                if (TT.Value > 3)
                {
                    v = Vector512.Load(xq + f3);
                    a3 = Vector512.FusedMultiplyAdd(d0, v, a3);
                    if (TO.Value > 1) b3 = Vector512.FusedMultiplyAdd(d1, v, b3);
                }
                if (TT.Value > 4)
                {
                    v = Vector512.Load(xq + f4);
                    a4 = Vector512.FusedMultiplyAdd(d0, v, a4);
                    if (TO.Value > 1) b4 = Vector512.FusedMultiplyAdd(d1, v, b4);
                }
                if (TT.Value > 5)
                {
                    v = Vector512.Load(xq + f5);
                    a5 = Vector512.FusedMultiplyAdd(d0, v, a5);
                    if (TO.Value > 1) b5 = Vector512.FusedMultiplyAdd(d1, v, b5);
                }
                if (TT.Value > 6)
                {
                    v = Vector512.Load(xq + f6);
                    a6 = Vector512.FusedMultiplyAdd(d0, v, a6);
                    if (TO.Value > 1) b6 = Vector512.FusedMultiplyAdd(d1, v, b6);
                }
                if (TT.Value > 7)
                {
                    v = Vector512.Load(xq + f7);
                    a7 = Vector512.FusedMultiplyAdd(d0, v, a7);
                    if (TO.Value > 1) b7 = Vector512.FusedMultiplyAdd(d1, v, b7);
                }
            }
        }
        dw[0] = Vector512.Sum(a0);
        if (TO.Value > 1) dw[dwOut] = Vector512.Sum(b0);
        if (TT.Value > 1) { dw[1] = Vector512.Sum(a1); if (TO.Value > 1) dw[dwOut + 1] = Vector512.Sum(b1); }
        if (TT.Value > 2) { dw[2] = Vector512.Sum(a2); if (TO.Value > 1) dw[dwOut + 2] = Vector512.Sum(b2); }
        if (TT.Value > 3) { dw[3] = Vector512.Sum(a3); if (TO.Value > 1) dw[dwOut + 3] = Vector512.Sum(b3); }
        if (TT.Value > 4) { dw[4] = Vector512.Sum(a4); if (TO.Value > 1) dw[dwOut + 4] = Vector512.Sum(b4); }
        if (TT.Value > 5) { dw[5] = Vector512.Sum(a5); if (TO.Value > 1) dw[dwOut + 5] = Vector512.Sum(b5); }
        if (TT.Value > 6) { dw[6] = Vector512.Sum(a6); if (TO.Value > 1) dw[dwOut + 6] = Vector512.Sum(b6); }
        if (TT.Value > 7) { dw[7] = Vector512.Sum(a7); if (TO.Value > 1) dw[dwOut + 7] = Vector512.Sum(b7); }
    }
}
