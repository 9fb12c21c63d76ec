using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = x·s, s from <see cref="ScalarAttributes"/>. Gradient: dy·s.</summary>
public sealed class MulScalarOp : UnaryPrimitive
{
    /// <summary>The one definition every MulScalar op carries.</summary>
    public static readonly MulScalarOp Instance = new();

    private MulScalarOp() { }

    /// <inheritdoc/>
    public override string Name => "MulScalar";

    /// <inheritdoc/>
    protected override string Functor => "mul_scalar";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.MulScalar(dOutput, ((ScalarAttributes)op.Attributes!).Value) : null];
}
