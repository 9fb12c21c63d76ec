namespace Trainer.Graph.Ops.Primitives;

/// <summary>1 where a = b, else 0, broadcast: a mask with no gradient.</summary>
public sealed class EqualOp : BinaryPrimitive
{
    /// <summary>The one definition every Equal op carries.</summary>
    public static readonly EqualOp Instance = new();

    private EqualOp() { }

    /// <inheritdoc/>
    public override string Name => "Equal";

    /// <inheritdoc/>
    protected override string Functor => "equal";
}
