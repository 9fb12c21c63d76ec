using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = 1 for x &gt; 0, −1 for x &lt; 0, 0 for ±0 and NaN: the gradient of |x| (0 at 0, as PyTorch's).</summary>
public readonly struct Sign : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "sign";

    /// <inheritdoc/>
    public float Apply(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => FunctorLanes.Map(x, this);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Sign(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-3f, 3f);
}
