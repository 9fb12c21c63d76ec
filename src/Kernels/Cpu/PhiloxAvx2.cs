using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Four Philox4x32-10 blocks at once with AVX2, for the native backend's dropout: each 64-bit lane holds one block's
/// 32-bit word, and <c>vpmuludq</c> gives the 32x32→64 products the rounds need. Integer operations only, so the
/// words are exactly <see cref="DropoutMask.Words"/>'s (the tests compare the two bit for bit).
/// </summary>
internal static unsafe class PhiloxAvx2
{
    /// <summary>
    /// The words of blocks <paramref name="block"/> .. <paramref name="block"/>+3 of (key, step) into
    /// <paramref name="words"/>: word k of block block+j at index k·4 + j (the low 32 bits of each ulong).
    /// </summary>
    public static void Blocks(ulong key, ulong step, long block, ulong* words)
    {
        Rounds(key, step, block, out var c0, out var c1, out var c2, out var c3);
        c0.Store(words);
        c1.Store(words + 4);
        c2.Store(words + 8);
        c3.Store(words + 12);
    }

    /// <summary>
    /// y = x·factor for the sixteen elements of blocks <paramref name="block"/> .. +3 (element 4·block + e at offset
    /// e): the words transposed into element order, compared with the threshold as unsigned integers, and the
    /// factor (scale or 0) multiplied in, the scalar loop's operations four lanes at a time.
    /// </summary>
    public static void Apply(ulong key, ulong step, long block, float* x, float* y, uint threshold, float scale)
    {
        Rounds(key, step, block, out var c0, out var c1, out var c2, out var c3);
        var w01 = Vector256.Narrow(c0, c1);
        var w23 = Vector256.Narrow(c2, c3);
        Vector128<uint> a = w01.GetLower(), b = w01.GetUpper(), c = w23.GetLower(), d = w23.GetUpper();
        var t0 = Sse2.UnpackLow(a, b).AsUInt64();
        var t1 = Sse2.UnpackHigh(a, b).AsUInt64();
        var t2 = Sse2.UnpackLow(c, d).AsUInt64();
        var t3 = Sse2.UnpackHigh(c, d).AsUInt64();
        var limit = Vector128.Create(threshold);
        var factor = Vector128.Create(scale);
        Store(Sse2.UnpackLow(t0, t2).AsUInt32(), x, y, limit, factor);
        Store(Sse2.UnpackHigh(t0, t2).AsUInt32(), x + 4, y + 4, limit, factor);
        Store(Sse2.UnpackLow(t1, t3).AsUInt32(), x + 8, y + 8, limit, factor);
        Store(Sse2.UnpackHigh(t1, t3).AsUInt32(), x + 12, y + 12, limit, factor);
    }

    private static void Store(Vector128<uint> words, float* x, float* y, Vector128<uint> limit, Vector128<float> scale)
    {
        var keep = Vector128.GreaterThanOrEqual(words, limit).AsSingle();
        var f = Vector128.ConditionalSelect(keep, scale, Vector128<float>.Zero);
        (Vector128.Load(x) * f).Store(y);
    }

    private static void Rounds(ulong key, ulong step, long block,
        out Vector256<ulong> c0, out Vector256<ulong> c1, out Vector256<ulong> c2, out Vector256<ulong> c3)
    {
        c0 = Vector256.Create((ulong)(uint)block, (uint)(block + 1), (uint)(block + 2), (uint)(block + 3));
        c1 = Vector256.Create((ulong)block >> 32, (ulong)(block + 1) >> 32, (ulong)(block + 2) >> 32, (ulong)(block + 3) >> 32);
        c2 = Vector256.Create((ulong)(uint)step);
        c3 = Vector256.Create(step >> 32);
        var m0 = Vector256.Create((ulong)Philox4x32.M0).AsUInt32();
        var m1 = Vector256.Create((ulong)Philox4x32.M1).AsUInt32();
        var low = Vector256.Create(0xFFFFFFFFUL);
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < Philox4x32.Rounds; round++)
        {
            if (round > 0)
            {
                k0 += Philox4x32.W0;
                k1 += Philox4x32.W1;
            }
            var p0 = Avx2.Multiply(c0.AsUInt32(), m0);
            var p1 = Avx2.Multiply(c2.AsUInt32(), m1);
            var n0 = Vector256.ShiftRightLogical(p1, 32) ^ c1 ^ Vector256.Create((ulong)k0);
            var n2 = Vector256.ShiftRightLogical(p0, 32) ^ c3 ^ Vector256.Create((ulong)k1);
            c1 = p1 & low;
            c3 = p0 & low;
            c0 = n0;
            c2 = n2;
        }
    }
}
