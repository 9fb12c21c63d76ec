using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = the smaller of a and b (MathF.Min: NaN if either is NaN, −0 under +0).</summary>
public readonly struct Minimum : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "minimum";

    /// <inheritdoc/>
    public float Apply(float a, float b) => MathF.Min(a, b);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => FunctorLanes.Map(a, b, this);

    /// <inheritdoc/>
    public double Reference(double a, double b) => Math.Min(a, b);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;
}
