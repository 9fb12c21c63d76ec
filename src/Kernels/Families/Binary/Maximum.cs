using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = the larger of a and b (MathF.Max: NaN if either is NaN, +0 over −0).</summary>
public readonly struct Maximum : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "maximum";

    /// <inheritdoc/>
    public float Apply(float a, float b) => MathF.Max(a, b);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => FunctorLanes.Map(a, b, this);

    /// <inheritdoc/>
    public double Reference(double a, double b) => Math.Max(a, b);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;
}
