using System.Numerics;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Unary;

/// <summary>y = eˣ (MathF.Exp; on GPUs ILGPU.Algorithms' float32 exp).</summary>
public readonly struct Exp : IUnaryFunctor
{
    /// <inheritdoc/>
    public string Name => "exp";

    /// <inheritdoc/>
    public float Apply(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    public Vector<float> Apply(Vector<float> x) => FunctorLanes.Map(x, this);

    /// <inheritdoc/>
    public double Reference(double x) => Math.Exp(x);

    /// <inheritdoc/>
    public double ErrorBound(double exact) => 8 * ErrorBounds.U * Math.Abs(exact);

    /// <inheritdoc/>
    public (float Low, float High) TestRange => (-4f, 4f);
}
