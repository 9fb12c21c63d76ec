using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = a + b, broadcast (equal shapes use the built-in <see cref="OpKind.Add"/>). Gradient: dy summed to each operand's shape.</summary>
public sealed class BroadcastAddOp : BinaryPrimitive
{
    /// <summary>The one definition every Add op carries.</summary>
    public static readonly BroadcastAddOp Instance = new();

    private BroadcastAddOp() { }

    /// <inheritdoc/>
    public override string Name => "Add";

    /// <inheritdoc/>
    protected override string Functor => "add";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(dOutput, b.TypeOf(a).Shape) : null, needed[1] ? b.SumTo(dOutput, b.TypeOf(c).Shape) : null];
    }
}
