using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = |x|. Gradient: dy·sign(x) (0 at 0).</summary>
public sealed class AbsOp : UnaryPrimitive
{
    /// <summary>The one definition every Abs op carries.</summary>
    public static readonly AbsOp Instance = new();

    private AbsOp() { }

    /// <inheritdoc/>
    public override string Name => "Abs";

    /// <inheritdoc/>
    protected override string Functor => "abs";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Mul(dOutput, b.Sign(inputs[0])) : null];
}
