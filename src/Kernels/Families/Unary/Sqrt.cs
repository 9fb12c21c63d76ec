using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = √x, correctly rounded; NaN for x &lt; 0.</summary>
public readonly struct Sqrt : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "sqrt";

    /// <inheritdoc/>
    public float Apply(float x) => MathF.Sqrt(x);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => Vector.SquareRoot(x);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Sqrt(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => ErrorBounds.OneRounding(exact);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (0.05f, 4f);
}
