using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = eˣ. Gradient: dy·y.</summary>
public sealed class ExpOp : UnaryPrimitive
{
    /// <summary>The one definition every Exp op carries.</summary>
    public static readonly ExpOp Instance = new();

    private ExpOp() { }

    /// <inheritdoc/>
    public override string Name => "Exp";

    /// <inheritdoc/>
    protected override string Functor => "exp";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Mul(dOutput, output) : null];
}
