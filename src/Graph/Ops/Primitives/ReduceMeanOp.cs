using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>The mean over axes (the sum, then one division by the count). Gradient: dy/n broadcast back over the axes.</summary>
public sealed class ReduceMeanOp : ReducePrimitive
{
    /// <summary>The one definition every ReduceMean op carries.</summary>
    public static readonly ReduceMeanOp Instance = new();

    private ReduceMeanOp() { }

    /// <inheritdoc/>
    public override string Name => "ReduceMean";

    /// <inheritdoc/>
    protected override string Functor => "mean";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        if (!needed[0]) return [null];
        var shape = b.TypeOf(inputs[0]).Shape;
        var axes = ((ReduceAttributes)op.Attributes!).Axes;
        long count = axes.Aggregate(1L, (n, a) => n * shape[a]);
        var share = b.MulScalar(b.Reshape(dOutput, PrimitiveBuilder.KeptShape(shape, axes)), count == 0 ? 0f : 1f / count);
        return [b.BroadcastTo(share, shape)];
    }
}
