using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The register-tiled inner loops of the native GEMM, one per <see cref="GemmIsa"/>. Each computes
/// an MR x NR tile: out[r, y] = Σ_p s_r[p·sP] · v[p·vStride + y], for p = 0..k−1 in order, every
/// element one chain of fused multiply-adds (one rounding per step) starting from zero, or from
/// the partial sums at <c>init</c> (a tile with row stride NR) to continue the chain over a later
/// block of p: a float32 partial sum stored and reloaded is exact, so blocking changes nothing. So the
/// three paths and any split of the work give the same bits. Row r reads the broadcast operand at
/// s + min(r, rows − 1)·sRow: rows past the edge repeat the last valid one and are not stored.
/// The epilogue <c>E</c> is applied in registers before each row is stored: the
/// bias at <c>bias</c> (vector columns) or <c>bias[r]</c> (one per row, <see cref="IGemmEpilogue.RowBias"/>),
/// the mask row r at <c>mask + r·maskStride</c>; rows past the edge read row rows − 1 again.
/// No stackalloc and no calls in the loops, so the accumulators stay in registers.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512<E>(float* v, long vStride, float* s, long sRow, long sP, int rows, int k, float* init, float* c, long cStride, float* bias, float* mask, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* s0 = s, s1 = s + Math.Min(1, rows - 1) * sRow, s2 = s + Math.Min(2, rows - 1) * sRow, s3 = s + Math.Min(3, rows - 1) * sRow;
        float* s4 = s + Math.Min(4, rows - 1) * sRow, s5 = s + Math.Min(5, rows - 1) * sRow, s6 = s + Math.Min(6, rows - 1) * sRow, s7 = s + Math.Min(7, rows - 1) * sRow;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        if (init != null)
        {
            c00 = Vector512.Load(init + 0); c01 = Vector512.Load(init + 16);
            c10 = Vector512.Load(init + 32); c11 = Vector512.Load(init + 48);
            c20 = Vector512.Load(init + 64); c21 = Vector512.Load(init + 80);
            c30 = Vector512.Load(init + 96); c31 = Vector512.Load(init + 112);
            c40 = Vector512.Load(init + 128); c41 = Vector512.Load(init + 144);
            c50 = Vector512.Load(init + 160); c51 = Vector512.Load(init + 176);
            c60 = Vector512.Load(init + 192); c61 = Vector512.Load(init + 208);
            c70 = Vector512.Load(init + 224); c71 = Vector512.Load(init + 240);
        }
        if (E.Sgd || E.Mask) PrefetchRows<E>(c, cStride, mask, maskStride, rows, 8, 32);
        long o = 0;
        for (int p = 0; p < k; p++, v += vStride, o += sP)
        {
            var b0 = Vector512.Load(v);
            var b1 = Vector512.Load(v + 16);
            var a = Vector512.Create(s0[o]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(s1[o]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(s2[o]); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(s3[o]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(s4[o]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(s5[o]); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(s6[o]); c60 = Vector512.FusedMultiplyAdd(a, b0, c60); c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(s7[o]); c70 = Vector512.FusedMultiplyAdd(a, b0, c70); c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
        }
        Store<E>(c00, c01, c + 0 * cStride, bias, mask, 0, maskStride, lr);
        Store<E>(c10, c11, c + 1 * cStride, bias, mask, Math.Min(1, rows - 1), maskStride, lr);
        Store<E>(c20, c21, c + 2 * cStride, bias, mask, Math.Min(2, rows - 1), maskStride, lr);
        Store<E>(c30, c31, c + 3 * cStride, bias, mask, Math.Min(3, rows - 1), maskStride, lr);
        Store<E>(c40, c41, c + 4 * cStride, bias, mask, Math.Min(4, rows - 1), maskStride, lr);
        Store<E>(c50, c51, c + 5 * cStride, bias, mask, Math.Min(5, rows - 1), maskStride, lr);
        Store<E>(c60, c61, c + 6 * cStride, bias, mask, Math.Min(6, rows - 1), maskStride, lr);
        Store<E>(c70, c71, c + 7 * cStride, bias, mask, Math.Min(7, rows - 1), maskStride, lr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2<E>(float* v, long vStride, float* s, long sRow, long sP, int rows, int k, float* init, float* c, long cStride, float* bias, float* mask, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* s0 = s, s1 = s + Math.Min(1, rows - 1) * sRow, s2 = s + Math.Min(2, rows - 1) * sRow;
        float* s3 = s + Math.Min(3, rows - 1) * sRow, s4 = s + Math.Min(4, rows - 1) * sRow, s5 = s + Math.Min(5, rows - 1) * sRow;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (init != null)
        {
            c00 = Vector256.Load(init + 0); c01 = Vector256.Load(init + 8);
            c10 = Vector256.Load(init + 16); c11 = Vector256.Load(init + 24);
            c20 = Vector256.Load(init + 32); c21 = Vector256.Load(init + 40);
            c30 = Vector256.Load(init + 48); c31 = Vector256.Load(init + 56);
            c40 = Vector256.Load(init + 64); c41 = Vector256.Load(init + 72);
            c50 = Vector256.Load(init + 80); c51 = Vector256.Load(init + 88);
        }
        if (E.Sgd || E.Mask) PrefetchRows<E>(c, cStride, mask, maskStride, rows, 6, 16);
        long o = 0;
        for (int p = 0; p < k; p++, v += vStride, o += sP)
        {
            var b0 = Vector256.Load(v);
            var b1 = Vector256.Load(v + 8);
            var a = Vector256.Create(s0[o]); c00 = Vector256.FusedMultiplyAdd(a, b0, c00); c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
            a = Vector256.Create(s1[o]); c10 = Vector256.FusedMultiplyAdd(a, b0, c10); c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
            a = Vector256.Create(s2[o]); c20 = Vector256.FusedMultiplyAdd(a, b0, c20); c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
            a = Vector256.Create(s3[o]); c30 = Vector256.FusedMultiplyAdd(a, b0, c30); c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
            a = Vector256.Create(s4[o]); c40 = Vector256.FusedMultiplyAdd(a, b0, c40); c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
            a = Vector256.Create(s5[o]); c50 = Vector256.FusedMultiplyAdd(a, b0, c50); c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
        }
        Store<E>(c00, c01, c + 0 * cStride, bias, mask, 0, maskStride, lr);
        Store<E>(c10, c11, c + 1 * cStride, bias, mask, Math.Min(1, rows - 1), maskStride, lr);
        Store<E>(c20, c21, c + 2 * cStride, bias, mask, Math.Min(2, rows - 1), maskStride, lr);
        Store<E>(c30, c31, c + 3 * cStride, bias, mask, Math.Min(3, rows - 1), maskStride, lr);
        Store<E>(c40, c41, c + 4 * cStride, bias, mask, Math.Min(4, rows - 1), maskStride, lr);
        Store<E>(c50, c51, c + 5 * cStride, bias, mask, Math.Min(5, rows - 1), maskStride, lr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector128Path<E>(float* v, long vStride, float* s, long sRow, long sP, int rows, int k, float* init, float* c, long cStride, float* bias, float* mask, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* s0 = s, s1 = s + Math.Min(1, rows - 1) * sRow, s2 = s + Math.Min(2, rows - 1) * sRow, s3 = s + Math.Min(3, rows - 1) * sRow;
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        if (init != null)
        {
            c00 = Vector128.Load(init + 0); c01 = Vector128.Load(init + 4);
            c10 = Vector128.Load(init + 8); c11 = Vector128.Load(init + 12);
            c20 = Vector128.Load(init + 16); c21 = Vector128.Load(init + 20);
            c30 = Vector128.Load(init + 24); c31 = Vector128.Load(init + 28);
        }
        if (E.Sgd || E.Mask) PrefetchRows<E>(c, cStride, mask, maskStride, rows, 4, 8);
        long o = 0;
        for (int p = 0; p < k; p++, v += vStride, o += sP)
        {
            var b0 = Vector128.Load(v);
            var b1 = Vector128.Load(v + 4);
            var a = Vector128.Create(s0[o]); c00 = Vector128.FusedMultiplyAdd(a, b0, c00); c01 = Vector128.FusedMultiplyAdd(a, b1, c01);
            a = Vector128.Create(s1[o]); c10 = Vector128.FusedMultiplyAdd(a, b0, c10); c11 = Vector128.FusedMultiplyAdd(a, b1, c11);
            a = Vector128.Create(s2[o]); c20 = Vector128.FusedMultiplyAdd(a, b0, c20); c21 = Vector128.FusedMultiplyAdd(a, b1, c21);
            a = Vector128.Create(s3[o]); c30 = Vector128.FusedMultiplyAdd(a, b0, c30); c31 = Vector128.FusedMultiplyAdd(a, b1, c31);
        }
        Store<E>(c00, c01, c + 0 * cStride, bias, mask, 0, maskStride, lr);
        Store<E>(c10, c11, c + 1 * cStride, bias, mask, Math.Min(1, rows - 1), maskStride, lr);
        Store<E>(c20, c21, c + 2 * cStride, bias, mask, Math.Min(2, rows - 1), maskStride, lr);
        Store<E>(c30, c31, c + 3 * cStride, bias, mask, Math.Min(3, rows - 1), maskStride, lr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<E>(Vector512<float> x0, Vector512<float> x1, float* c, float* bias, float* mask, int row, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* b = E.RowBias ? bias + row : bias;
        float* m = mask + row * maskStride;
        GemmEpilogues.Apply<E>(x0, b, m, c, lr).Store(c);
        GemmEpilogues.Apply<E>(x1, E.RowBias ? b : b + 16, m + 16, c + 16, lr).Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<E>(Vector256<float> x0, Vector256<float> x1, float* c, float* bias, float* mask, int row, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* b = E.RowBias ? bias + row : bias;
        float* m = mask + row * maskStride;
        GemmEpilogues.Apply<E>(x0, b, m, c, lr).Store(c);
        GemmEpilogues.Apply<E>(x1, E.RowBias ? b : b + 8, m + 8, c + 8, lr).Store(c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<E>(Vector128<float> x0, Vector128<float> x1, float* c, float* bias, float* mask, int row, long maskStride, float lr)
        where E : struct, IGemmEpilogue
    {
        float* b = E.RowBias ? bias + row : bias;
        float* m = mask + row * maskStride;
        GemmEpilogues.Apply<E>(x0, b, m, c, lr).Store(c);
        GemmEpilogues.Apply<E>(x1, E.RowBias ? b : b + 4, m + 4, c + 4, lr).Store(c + 4);
    }

    /// <summary>
    /// Starts loading the tile's rows of C (an SGD epilogue reads the parameter there) or of the mask
    /// while the products are summed, so the epilogue does not wait on memory for them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows<E>(float* c, long cStride, float* mask, long maskStride, int rows, int tileRows, int tileColumns)
        where E : struct, IGemmEpilogue
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < tileRows; r++)
        {
            float* row = E.Sgd ? c + r * cStride : mask + Math.Min(r, rows - 1) * maskStride;
            for (int y = 0; y < tileColumns; y += 16) Sse.Prefetch0(row + y);
        }
    }
}
