using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>y = ln x. Gradient: dy / x.</summary>
public sealed class LogOp : UnaryPrimitive
{
    /// <summary>The one definition every Log op carries.</summary>
    public static readonly LogOp Instance = new();

    private LogOp() { }

    /// <inheritdoc/>
    public override string Name => "Log";

    /// <inheritdoc/>
    protected override string Functor => "log";

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? b.Div(dOutput, inputs[0]) : null];
}
