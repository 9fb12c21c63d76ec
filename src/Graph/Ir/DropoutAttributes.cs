namespace Trainer.Graph.Ir;

/// <summary>Dropout's probability <see cref="P"/> of zeroing an element (MindSpore's <c>nn.Dropout(p=...)</c>), in [0, 1).</summary>
public sealed record DropoutAttributes(float P) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"p={P:R}";
}
