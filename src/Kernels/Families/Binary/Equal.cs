using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = 1 where a = b, else 0: the mask of the elements a reduction's maximum came from.</summary>
public readonly struct Equal : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "equal";

    /// <inheritdoc/>
    public float Apply(float a, float b) => a == b ? 1f : 0f;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => Vector.ConditionalSelect(Vector.Equals(a, b), Vector<float>.One, Vector<float>.Zero);

    /// <inheritdoc/>
    public double Reference(double a, double b) => a == b ? 1 : 0;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;
}
