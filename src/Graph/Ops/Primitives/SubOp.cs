using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = a − b, broadcast. Gradient: dy and −dy, summed to each operand's shape.</summary>
public sealed class SubOp : BinaryPrimitive
{
    /// <summary>The one definition every Sub op carries.</summary>
    public static readonly SubOp Instance = new();

    private SubOp() { }

    /// <inheritdoc/>
    public override string Name => "Sub";

    /// <inheritdoc/>
    protected override string Functor => "sub";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(dOutput, b.TypeOf(a).Shape) : null, needed[1] ? b.Neg(b.SumTo(dOutput, b.TypeOf(c).Shape)) : null];
    }
}
