using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The largest element over axes. Gradient: dy shared equally among the elements equal to the maximum
/// (as PyTorch's amax), so ties neither double nor lose it.
/// </summary>
public sealed class ReduceMaxOp : ReducePrimitive
{
    /// <summary>The one definition every ReduceMax op carries.</summary>
    public static readonly ReduceMaxOp Instance = new();

    private ReduceMaxOp() { }

    /// <inheritdoc/>
    public override string Name => "ReduceMax";

    /// <inheritdoc/>
    protected override string Functor => "max";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        if (!needed[0]) return [null];
        var x = inputs[0];
        var axes = ((ReduceAttributes)op.Attributes!).Axes;
        var kept = PrimitiveBuilder.KeptShape(b.TypeOf(x).Shape, axes);
        var mask = b.Equal(x, b.Reshape(output, kept));
        var share = b.Div(b.Reshape(dOutput, kept), b.ReduceSum(mask, axes, keepDims: true));
        return [b.Mul(mask, share)];
    }
}
