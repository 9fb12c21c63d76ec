using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = a·b, broadcast. Gradient: dy·b and dy·a, summed to each operand's shape.</summary>
public sealed class MulOp : BinaryPrimitive
{
    /// <summary>The one definition every Mul op carries.</summary>
    public static readonly MulOp Instance = new();

    private MulOp() { }

    /// <inheritdoc/>
    public override string Name => "Mul";

    /// <inheritdoc/>
    protected override string Functor => "mul";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(b.Mul(dOutput, c), b.TypeOf(a).Shape) : null, needed[1] ? b.SumTo(b.Mul(dOutput, a), b.TypeOf(c).Shape) : null];
    }
}
