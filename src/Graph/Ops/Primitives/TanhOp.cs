using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = tanh x. Gradient: dy·(1 − y²).</summary>
public sealed class TanhOp : UnaryPrimitive
{
    /// <summary>The one definition every Tanh op carries.</summary>
    public static readonly TanhOp Instance = new();

    private TanhOp() { }

    /// <inheritdoc/>
    public override string Name => "Tanh";

    /// <inheritdoc/>
    protected override string Functor => "tanh";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Mul(dOutput, b.AddScalar(b.Neg(b.Square(output)), 1f)) : null];
}
