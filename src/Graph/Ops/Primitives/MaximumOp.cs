using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = max(a, b), broadcast. Gradient: dy to a where a ≥ b, to b where a &lt; b (ties go to a, as TensorFlow's).</summary>
public sealed class MaximumOp : BinaryPrimitive
{
    /// <summary>The one definition every Maximum op carries.</summary>
    public static readonly MaximumOp Instance = new();

    private MaximumOp() { }

    /// <inheritdoc/>
    public override string Name => "Maximum";

    /// <inheritdoc/>
    protected override string Functor => "maximum";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        T a = inputs[0], c = inputs[1];
        return [needed[0] ? b.SumTo(b.Mul(dOutput, b.GreaterEqual(a, c)), b.TypeOf(a).Shape) : null, needed[1] ? b.SumTo(b.Mul(dOutput, b.Greater(c, a)), b.TypeOf(c).Shape) : null];
    }
}
