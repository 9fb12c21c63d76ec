using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = |x| (exact).</summary>
public readonly struct Abs : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "abs";

    /// <inheritdoc/>
    public float Apply(float x) => MathF.Abs(x);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => Vector.Abs(x);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Abs(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
