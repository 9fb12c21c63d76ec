using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = a / b, broadcast. Gradient: dy / b and −(dy·y) / b, summed to each operand's shape.</summary>
public sealed class DivOp : BinaryPrimitive
{
    /// <summary>The one definition every Div op carries.</summary>
    public static readonly DivOp Instance = new();

    private DivOp() { }

    /// <inheritdoc/>
    public override string Name => "Div";

    /// <inheritdoc/>
    protected override string Functor => "div";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(b.Div(dOutput, c), b.TypeOf(a).Shape) : null, needed[1] ? b.Neg(b.SumTo(b.Div(b.Mul(dOutput, output), c), b.TypeOf(c).Shape)) : null];
    }
}
