using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = −x. Gradient: −dy.</summary>
public sealed class NegOp : UnaryPrimitive
{
    /// <summary>The one definition every Neg op carries.</summary>
    public static readonly NegOp Instance = new();

    private NegOp() { }

    /// <inheritdoc/>
    public override string Name => "Neg";

    /// <inheritdoc/>
    protected override string Functor => "neg";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Neg(dOutput) : null];
}
