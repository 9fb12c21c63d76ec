using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = ln x, NaN for x &lt; 0 and −∞ at 0 (MathF.Log).</summary>
public readonly struct Log : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "log";

    /// <inheritdoc/>
    public float Apply(float x) => MathF.Log(x);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => FunctorLanes.Map(x, this);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Log(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 8 * ErrorBounds.U * (Math.Abs(exact) + 1);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (0.05f, 4f);
}
