namespace Trainer.Graph.Ir;

/// <summary>Whether a batched matrix product transposes the last two axes of its first and of its second operand.</summary>
public sealed record BatchMatMulAttributes(bool TransposeA, bool TransposeB) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"transpose_a={TransposeA},transpose_b={TransposeB}";
}
