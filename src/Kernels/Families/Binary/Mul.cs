using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = a·b, one rounding.</summary>
public readonly struct Mul : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "mul";

    /// <inheritdoc/>
    public float Apply(float a, float b) => a * b;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b;

    /// <inheritdoc/>
    public double Reference(double a, double b) => a * b;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => ErrorBounds.OneRounding(exact);
}
