using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = sign(x), 0 at 0. Gradient: 0 (the function is flat wherever it is differentiable).</summary>
public sealed class SignOp : UnaryPrimitive
{
    /// <summary>The one definition every Sign op carries.</summary>
    public static readonly SignOp Instance = new();

    private SignOp() { }

    /// <inheritdoc/>
    public override string Name => "Sign";

    /// <inheritdoc/>
    protected override string Functor => "sign";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.ZerosLike(inputs[0]) : null];
}
