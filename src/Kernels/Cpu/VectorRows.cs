using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Short rows (a convolution's 10 to 257 columns) copied 16 floats at a time, the last partial
/// vector with AVX-512 masked loads and stores (so nothing outside the row is read or written), or
/// element by element without AVX-512. Copying many short rows through spans costs more in call
/// overhead than in data moved.
/// </summary>
internal static unsafe class VectorRows
{
    private const int Lanes = 16;

    /// <summary>to[i] = from[i] for i &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* from, float* to, int count)
    {
        int i = 0;
        for (; i + Lanes <= count; i += Lanes) Vector512.Load(from + i).Store(to + i);
        if (i == count) return;
        if (Avx512F.IsSupported)
        {
            var mask = Tail(count - i);
            Avx512F.MaskStore(to + i, mask, Avx512F.MaskLoad(from + i, mask, Vector512<float>.Zero));
        }
        else
            for (; i < count; i++) to[i] = from[i];
    }

    /// <summary>to[i] += from[i] for i &lt; count (one rounded addition each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* from, float* to, int count)
    {
        int i = 0;
        for (; i + Lanes <= count; i += Lanes) (Vector512.Load(to + i) + Vector512.Load(from + i)).Store(to + i);
        for (; i < count; i++) to[i] += from[i];
    }

    /// <summary>
    /// to[i] = from[i] (+ bias) (then ReLU: v &gt; 0 ? v : +0) for i &lt; count, the operations of
    /// <see cref="Ops.KernelKeys.ChannelBiasAdd"/> and <see cref="Ops.KernelKeys.Relu"/>, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Epilogue(float* from, float* to, int count, float bias, bool addBias, bool relu)
    {
        var b = Vector512.Create(bias);
        int i = 0;
        for (; i + Lanes <= count; i += Lanes) Apply(Vector512.Load(from + i), b, addBias, relu).Store(to + i);
        if (i == count) return;
        if (Avx512F.IsSupported)
        {
            var mask = Tail(count - i);
            Avx512F.MaskStore(to + i, mask, Apply(Avx512F.MaskLoad(from + i, mask, Vector512<float>.Zero), b, addBias, relu));
        }
        else
            for (; i < count; i++)
            {
                float v = addBias ? from[i] + bias : from[i];
                to[i] = relu ? (v > 0f ? v : 0f) : v;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, bool addBias, bool relu)
    {
        if (addBias) v += bias;
        if (relu) v = Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, Vector512<float>.Zero);
        return v;
    }

    /// <summary>A mask of the first <paramref name="count"/> lanes (0 to 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tail(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}
