namespace Trainer.Graph.Ops.Primitives;

/// <summary>1 where a ≥ b, else 0, broadcast: a mask with no gradient.</summary>
public sealed class GreaterEqualOp : BinaryPrimitive
{
    /// <summary>The one definition every GreaterEqual op carries.</summary>
    public static readonly GreaterEqualOp Instance = new();

    private GreaterEqualOp() { }

    /// <inheritdoc/>
    public override string Name => "GreaterEqual";

    /// <inheritdoc/>
    protected override string Functor => "greater_equal";
}
