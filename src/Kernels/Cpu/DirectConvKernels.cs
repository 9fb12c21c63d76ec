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
    /// for o &lt; <typeparamref name="TO"/> (up to 4) and t &lt; <typeparamref name="TT"/> (up to 6),
    /// off(t) = (t / KW)·Wp + t mod KW: <typeparamref name="TO"/> output channels by
    /// <typeparamref name="TT"/> consecutive taps of one input channel, summed over
    /// <paramref name="images"/> images (TO·TT accumulators in registers, TO + TT loads per 16 grid
    /// positions).
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
        Vector512<float> a00 = default; Vector512<float> a01 = default; Vector512<float> a02 = default; Vector512<float> a03 = default; Vector512<float> a04 = default; Vector512<float> a05 = default; Vector512<float> a10 = default; Vector512<float> a11 = default; Vector512<float> a12 = default; Vector512<float> a13 = default; Vector512<float> a14 = default; Vector512<float> a15 = default; Vector512<float> a20 = default; Vector512<float> a21 = default; Vector512<float> a22 = default; Vector512<float> a23 = default; Vector512<float> a24 = default; Vector512<float> a25 = default; Vector512<float> a30 = default; Vector512<float> a31 = default; Vector512<float> a32 = default; Vector512<float> a33 = default; Vector512<float> a34 = default; Vector512<float> a35 = default;
        for (int img = 0; img < images; img++)
        {
            float* x = xpad + img * xImage;
            float* d = dyw + img * dyImage;
            for (int q = 0; q < stride; q += Lanes)
            {
                var d0 = Vector512.Load(d + q);
                var d1 = TO.Value > 1 ? Vector512.Load(d + stride + q) : default;
                var d2 = TO.Value > 2 ? Vector512.Load(d + 2 * (long)stride + q) : default;
                var d3 = TO.Value > 3 ? Vector512.Load(d + 3 * (long)stride + q) : default;
                float* xq = x + q;
                var v0 = Vector512.Load(xq + f0);
                a00 = Vector512.FusedMultiplyAdd(d0, v0, a00);
                if (TO.Value > 1) a10 = Vector512.FusedMultiplyAdd(d1, v0, a10);
                if (TO.Value > 2) a20 = Vector512.FusedMultiplyAdd(d2, v0, a20);
                if (TO.Value > 3) a30 = Vector512.FusedMultiplyAdd(d3, v0, a30);
                if (TT.Value > 1)
                {
                    var v1 = Vector512.Load(xq + f1);
                    a01 = Vector512.FusedMultiplyAdd(d0, v1, a01);
                    if (TO.Value > 1) a11 = Vector512.FusedMultiplyAdd(d1, v1, a11);
                    if (TO.Value > 2) a21 = Vector512.FusedMultiplyAdd(d2, v1, a21);
                    if (TO.Value > 3) a31 = Vector512.FusedMultiplyAdd(d3, v1, a31);
                }
                if (TT.Value > 2)
                {
                    var v2 = Vector512.Load(xq + f2);
                    a02 = Vector512.FusedMultiplyAdd(d0, v2, a02);
                    if (TO.Value > 1) a12 = Vector512.FusedMultiplyAdd(d1, v2, a12);
                    if (TO.Value > 2) a22 = Vector512.FusedMultiplyAdd(d2, v2, a22);
                    if (TO.Value > 3) a32 = Vector512.FusedMultiplyAdd(d3, v2, a32);
                }
                if (TT.Value > 3)
                {
                    var v3 = Vector512.Load(xq + f3);
                    a03 = Vector512.FusedMultiplyAdd(d0, v3, a03);
                    if (TO.Value > 1) a13 = Vector512.FusedMultiplyAdd(d1, v3, a13);
                    if (TO.Value > 2) a23 = Vector512.FusedMultiplyAdd(d2, v3, a23);
                    if (TO.Value > 3) a33 = Vector512.FusedMultiplyAdd(d3, v3, a33);
                }
                if (TT.Value > 4)
                {
                    var v4 = Vector512.Load(xq + f4);
                    a04 = Vector512.FusedMultiplyAdd(d0, v4, a04);
                    if (TO.Value > 1) a14 = Vector512.FusedMultiplyAdd(d1, v4, a14);
                    if (TO.Value > 2) a24 = Vector512.FusedMultiplyAdd(d2, v4, a24);
                    if (TO.Value > 3) a34 = Vector512.FusedMultiplyAdd(d3, v4, a34);
                }
                if (TT.Value > 5)
                {
                    var v5 = Vector512.Load(xq + f5);
                    a05 = Vector512.FusedMultiplyAdd(d0, v5, a05);
                    if (TO.Value > 1) a15 = Vector512.FusedMultiplyAdd(d1, v5, a15);
                    if (TO.Value > 2) a25 = Vector512.FusedMultiplyAdd(d2, v5, a25);
                    if (TO.Value > 3) a35 = Vector512.FusedMultiplyAdd(d3, v5, a35);
                }
            }
        }
        dw[0] = Vector512.Sum(a00);
        if (TO.Value > 1) dw[1 * dwOut + 0] = Vector512.Sum(a10);
        if (TO.Value > 2) dw[2 * dwOut + 0] = Vector512.Sum(a20);
        if (TO.Value > 3) dw[3 * dwOut + 0] = Vector512.Sum(a30);
        if (TT.Value > 1)
        {
            dw[1] = Vector512.Sum(a01);
            if (TO.Value > 1) dw[1 * dwOut + 1] = Vector512.Sum(a11);
            if (TO.Value > 2) dw[2 * dwOut + 1] = Vector512.Sum(a21);
            if (TO.Value > 3) dw[3 * dwOut + 1] = Vector512.Sum(a31);
        }
        if (TT.Value > 2)
        {
            dw[2] = Vector512.Sum(a02);
            if (TO.Value > 1) dw[1 * dwOut + 2] = Vector512.Sum(a12);
            if (TO.Value > 2) dw[2 * dwOut + 2] = Vector512.Sum(a22);
            if (TO.Value > 3) dw[3 * dwOut + 2] = Vector512.Sum(a32);
        }
        if (TT.Value > 3)
        {
            dw[3] = Vector512.Sum(a03);
            if (TO.Value > 1) dw[1 * dwOut + 3] = Vector512.Sum(a13);
            if (TO.Value > 2) dw[2 * dwOut + 3] = Vector512.Sum(a23);
            if (TO.Value > 3) dw[3 * dwOut + 3] = Vector512.Sum(a33);
        }
        if (TT.Value > 4)
        {
            dw[4] = Vector512.Sum(a04);
            if (TO.Value > 1) dw[1 * dwOut + 4] = Vector512.Sum(a14);
            if (TO.Value > 2) dw[2 * dwOut + 4] = Vector512.Sum(a24);
            if (TO.Value > 3) dw[3 * dwOut + 4] = Vector512.Sum(a34);
        }
        if (TT.Value > 5)
        {
            dw[5] = Vector512.Sum(a05);
            if (TO.Value > 1) dw[1 * dwOut + 5] = Vector512.Sum(a15);
            if (TO.Value > 2) dw[2 * dwOut + 5] = Vector512.Sum(a25);
            if (TO.Value > 3) dw[3 * dwOut + 5] = Vector512.Sum(a35);
        }
    }
}
