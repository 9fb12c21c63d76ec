namespace Trainer.Graph.Ops.Primitives;

/// <summary>1 where a &gt; b, else 0, broadcast: a mask with no gradient.</summary>
public sealed class GreaterOp : BinaryPrimitive
{
    /// <summary>The one definition every Greater op carries.</summary>
    public static readonly GreaterOp Instance = new();

    private GreaterOp() { }

    /// <inheritdoc/>
    public override string Name => "Greater";

    /// <inheritdoc/>
    protected override string Functor => "greater";
}
