using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = x². Gradient: dy·2x.</summary>
public sealed class SquareOp : UnaryPrimitive
{
    /// <summary>The one definition every Square op carries.</summary>
    public static readonly SquareOp Instance = new();

    private SquareOp() { }

    /// <inheritdoc/>
    public override string Name => "Square";

    /// <inheritdoc/>
    protected override string Functor => "square";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Mul(dOutput, b.MulScalar(inputs[0], 2f)) : null];
}
