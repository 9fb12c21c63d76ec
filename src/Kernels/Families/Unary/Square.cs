using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = x·x, one rounding.</summary>
public readonly struct Square : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "square";

    /// <inheritdoc/>
    public float Apply(float x) => x * x;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => x * x;

    /// <inheritdoc/>
    public double Reference(double x) => x * x;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => ErrorBounds.OneRounding(exact);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
