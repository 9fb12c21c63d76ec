using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>The sum over axes. Gradient: dy broadcast back over the summed axes.</summary>
public sealed class ReduceSumOp : ReducePrimitive
{
    /// <summary>The one definition every ReduceSum op carries.</summary>
    public static readonly ReduceSumOp Instance = new();

    private ReduceSumOp() { }

    /// <inheritdoc/>
    public override string Name => "ReduceSum";

    /// <inheritdoc/>
    protected override string Functor => "sum";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var shape = b.TypeOf(inputs[0]).Shape;
        var kept = PrimitiveBuilder.KeptShape(shape, ((ReduceAttributes)op.Attributes!).Axes);
        return [needed[0] ? b.BroadcastTo(b.Reshape(dOutput, kept), shape) : null];
    }
}
