using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = tanh x (MathF.Tanh).</summary>
public readonly struct Tanh : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "tanh";

    /// <inheritdoc/>
    public float Apply(float x) => MathF.Tanh(x);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => FunctorLanes.Map(x, this);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Tanh(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 8 * ErrorBounds.U * (Math.Abs(exact) + 1);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
