using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// 2x2 stride-2 max pooling, 16 windows at a time with AVX-512: two input rows of 32 floats are
/// split into the windows' four corners (even and odd columns of each row), and the first maximum is
/// chosen in row-major order with the scalar kernel's strict comparisons, so the values and the
/// argmax (ties and NaN included) are the ones <c>WindowArgmax</c> gives. Windows whose 32-float
/// loads would run past the tensor are left to the scalar loop.
/// </summary>
internal static unsafe class MaxPool2x2
{
    private static readonly Vector512<int> Even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odd = Even + Vector512<int>.One;
    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = InterleaveLow + Vector512.Create(8);

    public static bool Supported => Avx512F.IsSupported;

    /// <summary>
    /// Windows [0, count) of the band whose top row starts at <paramref name="top"/> (row length
    /// <paramref name="w"/>), while a window's loads stay before <paramref name="end"/>; returns how many it did.
    /// </summary>
    public static int Forward(float* top, int w, int count, float* end, float* y)
    {
        int done = 0;
        for (; done < count && top + 2 * done + w + 32 <= end; done += 16)
        {
            var max = Max(top + 2 * done, w, out _);
            int valid = Math.Min(16, count - done);
            if (valid == 16) max.Store(y + done);
            else Avx512F.MaskStore(y + done, Lanes(valid), max);
        }
        return Math.Min(done, count);
    }

    /// <summary>
    /// The gradient of windows [0, count) of a band whose rows <paramref name="grad"/> (same offset as
    /// <paramref name="top"/>) are already cleared: 0 + dy at each window's argmax (with <paramref name="reluMask"/>,
    /// +0 where that maximum is not positive); returns how many it did.
    /// </summary>
    public static int Backward(float* top, int w, int count, float* end, float* dy, float* grad, bool reluMask = false)
    {
        int done = 0;
        for (; done < count && top + 2 * done + w + 32 <= end; done += 16)
        {
            var max = Max(top + 2 * done, w, out var best);
            int valid = Math.Min(16, count - done);
            var d = Vector512.Create(0f) + (valid == 16 ? Vector512.Load(dy + done) : Avx512F.MaskLoad(dy + done, Lanes(valid), Vector512<float>.Zero));
            var zero = Vector512<float>.Zero;
            if (reluMask) d = Vector512.ConditionalSelect(Vector512.GreaterThan(max, zero), d, zero);
            var a = Vector512.ConditionalSelect(Vector512.Equals(best, Vector512.Create(0)).AsSingle(), d, zero);
            var b = Vector512.ConditionalSelect(Vector512.Equals(best, Vector512.Create(1)).AsSingle(), d, zero);
            var c = Vector512.ConditionalSelect(Vector512.Equals(best, Vector512.Create(2)).AsSingle(), d, zero);
            var e = Vector512.ConditionalSelect(Vector512.Equals(best, Vector512.Create(3)).AsSingle(), d, zero);
            Store(grad + 2 * done, a, b, 2 * valid);
            Store(grad + 2 * done + w, c, e, 2 * valid);
        }
        return Math.Min(done, count);
    }

    /// <summary>The 16 windows' maxima, and in <paramref name="best"/> each one's corner 0..3 (row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Max(float* top, int w, out Vector512<int> best)
    {
        var lo = Vector512.Load(top);
        var hi = Vector512.Load(top + 16);
        var max = Avx512F.PermuteVar16x32x2(lo, Even, hi);
        best = Vector512<int>.Zero;
        Step(Avx512F.PermuteVar16x32x2(lo, Odd, hi), 1, ref max, ref best);
        lo = Vector512.Load(top + w);
        hi = Vector512.Load(top + w + 16);
        Step(Avx512F.PermuteVar16x32x2(lo, Even, hi), 2, ref max, ref best);
        Step(Avx512F.PermuteVar16x32x2(lo, Odd, hi), 3, ref max, ref best);
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(Vector512<float> v, int corner, ref Vector512<float> max, ref Vector512<int> best)
    {
        var greater = Vector512.GreaterThan(v, max);
        max = Vector512.ConditionalSelect(greater, v, max);
        best = Vector512.ConditionalSelect(greater.AsInt32(), Vector512.Create(corner), best);
    }

    /// <summary>Interleaves <paramref name="even"/> and <paramref name="odd"/> into the first <paramref name="count"/> floats at <paramref name="to"/>.</summary>
    private static void Store(float* to, Vector512<float> even, Vector512<float> odd, int count)
    {
        var low = Avx512F.PermuteVar16x32x2(even, InterleaveLow, odd);
        var high = Avx512F.PermuteVar16x32x2(even, InterleaveHigh, odd);
        if (count >= 16) low.Store(to);
        else Avx512F.MaskStore(to, Lanes(count), low);
        if (count == 32) high.Store(to + 16);
        else if (count > 16) Avx512F.MaskStore(to + 16, Lanes(count - 16), high);
    }

    /// <summary>A mask of the first <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lanes(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}
