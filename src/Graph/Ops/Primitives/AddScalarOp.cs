using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = x + s, s from <see cref="ScalarAttributes"/>. Gradient: dy.</summary>
public sealed class AddScalarOp : UnaryPrimitive
{
    /// <summary>The one definition every AddScalar op carries.</summary>
    public static readonly AddScalarOp Instance = new();

    private AddScalarOp() { }

    /// <inheritdoc/>
    public override string Name => "AddScalar";

    /// <inheritdoc/>
    protected override string Functor => "add_scalar";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? dOutput : null];
}
