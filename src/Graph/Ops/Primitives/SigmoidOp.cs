using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = 1 / (1 + e⁻ˣ). Gradient: dy·y·(1 − y).</summary>
public sealed class SigmoidOp : UnaryPrimitive
{
    /// <summary>The one definition every Sigmoid op carries.</summary>
    public static readonly SigmoidOp Instance = new();

    private SigmoidOp() { }

    /// <inheritdoc/>
    public override string Name => "Sigmoid";

    /// <inheritdoc/>
    protected override string Functor => "sigmoid";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Mul(dOutput, b.Mul(output, b.AddScalar(b.Neg(output), 1f))) : null];
}
