using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Rows read or updated at every second element, the inner loops of a stride-2 convolution's
/// im2col and col2im (<see cref="ColumnMatrix"/>): with AVX-512, 16 outputs from two masked loads
/// and one two-source permute (or, for the update, into the even lanes of two masked stores), so
/// nothing outside the run is read or written; element by element without it. Data movement and one
/// rounded addition per element, the same as the plain loops.
/// </summary>
internal static unsafe class StrideTwoRows
{
    private const int Lanes = 16;

    /// <summary>to[i] = from[2·i] for i &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gather(float* from, float* to, int count)
    {
        if (!Avx512F.IsSupported)
        {
            for (int i = 0; i < count; i++) to[i] = from[2 * i];
            return;
        }
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        int j = 0;
        for (; j + Lanes <= count; j += Lanes)
        {
            // The 2·16 − 1 source elements from[2j .. 2j + 30]: the second load stops before from[2j + 31].
            float* src = from + 2 * j;
            var low = Vector512.Load(src);
            var high = Avx512F.MaskLoad(src + Lanes, VectorRows.Tail(Lanes - 1), Vector512<float>.Zero);
            Avx512F.PermuteVar16x32x2(low, even, high).Store(to + j);
        }
        int left = count - j;
        if (left == 0) return;
        {
            float* src = from + 2 * j;
            int span = 2 * left - 1;
            var low = Avx512F.MaskLoad(src, VectorRows.Tail(Math.Min(Lanes, span)), Vector512<float>.Zero);
            var high = Avx512F.MaskLoad(src + Lanes, VectorRows.Tail(Math.Max(0, span - Lanes)), Vector512<float>.Zero);
            Avx512F.MaskStore(to + j, VectorRows.Tail(left), Avx512F.PermuteVar16x32x2(low, even, high));
        }
    }

    /// <summary>to[2·i] += from[i] for i &lt; count; the odd elements between are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScatterAdd(float* from, float* to, int count)
    {
        if (!Avx512F.IsSupported)
        {
            for (int i = 0; i < count; i++) to[2 * i] += from[i];
            return;
        }
        // Source lane i goes to lane 2i of the pair of destination vectors: lanes 0-7 to the first, 8-15 to the second.
        var spreadLow = Vector512.Create(0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
        var spreadHigh = Vector512.Create(8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15, 16);
        var evenLanes = Vector512.Create(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0).AsSingle();
        for (int j = 0; j < count; j += Lanes)
        {
            int left = Math.Min(Lanes, count - j);
            float* dst = to + 2 * j;
            var src = left == Lanes ? Vector512.Load(from + j) : Avx512F.MaskLoad(from + j, VectorRows.Tail(left), Vector512<float>.Zero);
            // The even lanes of the 2·left − 1 destination elements dst[0 .. 2·left − 2].
            var lowMask = evenLanes & VectorRows.Tail(Math.Min(Lanes, 2 * left - 1));
            var highMask = evenLanes & VectorRows.Tail(Math.Max(0, 2 * left - 1 - Lanes));
            var low = Avx512F.MaskLoad(dst, lowMask, Vector512<float>.Zero);
            Avx512F.MaskStore(dst, lowMask, low + Avx512F.PermuteVar16x32x2(src, spreadLow, Vector512<float>.Zero));
            if (left > Lanes / 2)
            {
                var high = Avx512F.MaskLoad(dst + Lanes, highMask, Vector512<float>.Zero);
                Avx512F.MaskStore(dst + Lanes, highMask, high + Avx512F.PermuteVar16x32x2(src, spreadHigh, Vector512<float>.Zero));
            }
        }
    }
}
