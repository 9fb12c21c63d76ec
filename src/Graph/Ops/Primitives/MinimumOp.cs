using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = min(a, b), broadcast. Gradient: dy to a where a ≤ b, to b where a &gt; b (ties go to a).</summary>
public sealed class MinimumOp : BinaryPrimitive
{
    /// <summary>The one definition every Minimum op carries.</summary>
    public static readonly MinimumOp Instance = new();

    private MinimumOp() { }

    /// <inheritdoc/>
    public override string Name => "Minimum";

    /// <inheritdoc/>
    protected override string Functor => "minimum";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(b.Mul(dOutput, b.GreaterEqual(c, a)), b.TypeOf(a).Shape) : null, needed[1] ? b.SumTo(b.Mul(dOutput, b.Greater(a, c)), b.TypeOf(c).Shape) : null];
    }
}
