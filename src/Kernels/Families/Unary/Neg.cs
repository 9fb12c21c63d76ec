using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = −x (exact).</summary>
public readonly struct Neg : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "neg";

    /// <inheritdoc/>
    public float Apply(float x) => -x;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => -x;

    /// <inheritdoc/>
    public double Reference(double x) => -x;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
