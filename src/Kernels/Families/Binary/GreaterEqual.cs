using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = 1 where a ≥ b, else 0: the mask that routes Maximum's gradient to a.</summary>
public readonly struct GreaterEqual : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "greater_equal";

    /// <inheritdoc/>
    public float Apply(float a, float b) => a >= b ? 1f : 0f;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, b), Vector<float>.One, Vector<float>.Zero);

    /// <inheritdoc/>
    public double Reference(double a, double b) => a >= b ? 1 : 0;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;
}
