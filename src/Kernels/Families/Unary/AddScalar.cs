using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = x + s for a scalar s fixed when the op is made, one rounding.</summary>
/// <param name="s">The term.</param>
public readonly struct AddScalar(float s) : IUnaryFunctor
{
    private readonly float s = s;

    /// <inheritdoc/>
    public string Name => "add_scalar";

    /// <inheritdoc/>
    public float Apply(float x) => x + s;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => x + new Vector<float>(s);

    /// <inheritdoc/>
    public double Reference(double x) => x + (double)s;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => ErrorBounds.OneRounding(exact);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
