namespace Trainer.Graph.Ir;

/// <summary>A training-mode batch normalisation's <see cref="Eps"/>, added to the variance before its square root (positive and finite).</summary>
public sealed record BatchNormAttributes(float Eps) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"eps={Number(Eps)}";
}
