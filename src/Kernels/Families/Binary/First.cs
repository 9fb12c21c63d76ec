using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Binary;

/// <summary>y = a, broadcast to the output's shape (b only gives the shape): what BroadcastTo launches.</summary>
public readonly struct First : IBinaryFunctor
{
    /// <inheritdoc/>
    public string Name => "first";

    /// <inheritdoc/>
    public float Apply(float a, float b) => a;

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => a;

    /// <inheritdoc/>
    public double Reference(double a, double b) => a;

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 0;
}
