using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = 1 / (1 + e⁻ˣ), in float32 in that order.</summary>
public readonly struct Sigmoid : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "sigmoid";

    /// <inheritdoc/>
    public float Apply(float x) => 1f / (1f + MathF.Exp(-x));

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => FunctorLanes.Map(x, this);

    /// <inheritdoc/>
    public double Reference(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 8 * ErrorBounds.U * (Math.Abs(exact) + 1);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-6f, 6f);
}
