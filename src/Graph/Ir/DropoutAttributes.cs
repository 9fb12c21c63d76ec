namespace Trainer.Graph.Ir;

/// <summary>
/// Dropout's probability <see cref="P"/> of zeroing an element (MindSpore's <c>nn.Dropout(p=...)</c>), in [0, 1), and
/// where the tensor sits in the whole its mask is drawn for (<see cref="FirstElement"/>).
/// </summary>
public sealed record DropoutAttributes(float P) : OpAttributes
{
    /// <summary>
    /// The index, in the whole, of the tensor's element 0 (<see cref="Kernels.Rng.DropoutSlice"/>): 0 for a whole
    /// tensor; a data-parallel rank's rows of the global batch start at their first row times the elements per row, so
    /// they draw the single process's factors. At least 0.
    /// </summary>
    public long FirstElement { get; init; }

    /// <inheritdoc/>
    public override string Print() => FirstElement == 0 ? $"p={P:R}" : $"p={P:R} first={FirstElement}";
}
