using System.Numerics;

namespace Trainer.Kernels.Families;

/// <summary>A functor's vector form for ops with no exact vector instruction: the scalar form on each lane, so the bits are the scalar loop's.</summary>
public static class FunctorLanes
{
    /// <summary>f applied to each lane of <paramref name="x"/>.</summary>
    public static Vector<float> Map<TF>(Vector<float> x, TF f) where TF : struct, IUnaryFunctor
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        x.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++) lanes[i] = f.Apply(lanes[i]);
        return new Vector<float>(lanes);
    }

    /// <summary>f applied to each pair of lanes of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static Vector<float> Map<TF>(Vector<float> a, Vector<float> b, TF f) where TF : struct, IBinaryFunctor
    {
        Span<float> x = stackalloc float[Vector<float>.Count];
        Span<float> y = stackalloc float[Vector<float>.Count];
        a.CopyTo(x);
        b.CopyTo(y);
        for (int i = 0; i < x.Length; i++) x[i] = f.Apply(x[i], y[i]);
        return new Vector<float>(x);
    }
}
