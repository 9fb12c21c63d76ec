using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// One image's part of a convolution's column matrix col[(c,kh,kw), (oh,ow)] (im2col) and the way
/// back (col2im), for the native backend's im2col convolutions. Row r = (c·KH + kh)·KW + kw holds
/// the input under tap (kh, kw) of channel c at every output position, zero in the padding. Pure
/// data movement: each element is copied, or (col2im) added in tap order, exactly as the plain loops
/// would; rows are split into their padding and their in-range run once, so the inner loops carry no
/// bounds test.
/// </summary>
internal static unsafe class ColumnMatrix
{
    /// <summary>
    /// Rows [<paramref name="r0"/>, <paramref name="r1"/>) of image <paramref name="n"/>'s column matrix:
    /// row r goes to <c>col + (r − r0)·rowStride</c>, OH·OW floats.
    /// </summary>
    public static void Gather(float* x, int n, int r0, int r1, float* col, long rowStride, Conv2dShape s)
    {
        for (int r = r0; r < r1; r++)
        {
            int kw = r % s.KW, kh = r / s.KW % s.KH, c = r / s.KW / s.KH;
            float* plane = x + ((long)n * s.C + c) * s.H * s.W;
            float* dst = col + (r - r0) * rowStride;
            var (lo, hi) = Run(s.OW, s.StrideW, kw - s.PadW, s.W);
            for (int oh = 0; oh < s.OH; oh++)
            {
                int ih = oh * s.StrideH - s.PadH + kh;
                float* row = dst + (long)oh * s.OW;
                if (ih < 0 || ih >= s.H)
                {
                    new Span<float>(row, s.OW).Clear();
                    continue;
                }
                float* src = plane + (long)ih * s.W + kw - s.PadW;
                for (int ow = 0; ow < lo; ow++) row[ow] = 0f;
                if (s.StrideW == 1) VectorRows.Copy(src + lo, row + lo, hi - lo);
                else if (s.StrideW == 2) StrideTwoRows.Gather(src + 2 * lo, row + lo, hi - lo);
                else
                {
                    int step = s.StrideW;
                    for (int ow = lo; ow < hi; ow++) row[ow] = src[ow * step];
                }
                for (int ow = hi; ow < s.OW; ow++) row[ow] = 0f;
            }
        }
    }

    /// <summary>
    /// Input plane (n, c) at <paramref name="plane"/> from the column matrix's gradient: the plane is
    /// cleared, then each tap (kh, kw), in order, adds its row (at <c>dcol + tapRow·rowStride</c>,
    /// OH·OW floats) where it lands. Every element so receives its taps in (kh, kw) order, the sum a
    /// gather would form.
    /// </summary>
    public static void Scatter(float* dcol, long rowStride, int c, float* plane, Conv2dShape s)
    {
        new Span<float>(plane, s.H * s.W).Clear();
        for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                float* tap = dcol + (((long)c * s.KH + kh) * s.KW + kw) * rowStride;
                var (lo, hi) = Run(s.OW, s.StrideW, kw - s.PadW, s.W);
                int step = s.StrideW;
                for (int oh = 0; oh < s.OH; oh++)
                {
                    int ih = oh * s.StrideH - s.PadH + kh;
                    if (ih < 0 || ih >= s.H) continue;
                    float* row = plane + (long)ih * s.W + kw - s.PadW;
                    float* src = tap + (long)oh * s.OW;
                    if (step == 2) StrideTwoRows.ScatterAdd(src + lo, row + 2 * lo, hi - lo);
                    else
                        for (int ow = lo; ow < hi; ow++) row[ow * step] += src[ow];
                }
            }
    }

    /// <summary>The output columns [lo, hi) whose input column ow·stride + offset lies in [0, width).</summary>
    private static (int Lo, int Hi) Run(int outWidth, int stride, int offset, int width)
    {
        // ow·stride + offset ≥ 0 ⇔ ow ≥ ⌈−offset / stride⌉; ow·stride + offset ≤ width − 1 ⇔ ow ≤ ⌊(width − 1 − offset) / stride⌋.
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - 1 - offset < 0 ? 0 : (width - 1 - offset) / stride + 1;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }
}
