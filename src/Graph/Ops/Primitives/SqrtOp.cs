using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = √x. Gradient: (dy·0.5) / y.</summary>
public sealed class SqrtOp : UnaryPrimitive
{
    /// <summary>The one definition every Sqrt op carries.</summary>
    public static readonly SqrtOp Instance = new();

    private SqrtOp() { }

    /// <inheritdoc/>
    public override string Name => "Sqrt";

    /// <inheritdoc/>
    protected override string Functor => "sqrt";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Div(b.MulScalar(dOutput, 0.5f), output) : null];
}
