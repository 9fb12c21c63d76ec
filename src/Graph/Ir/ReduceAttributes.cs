namespace Trainer.Graph.Ir;

/// <summary>The axes a reduction folds (sorted, distinct, non-negative) and whether they stay as size-1 axes.</summary>
public sealed record ReduceAttributes(int[] Axes, bool KeepDims) : OpAttributes
{
    /// <inheritdoc/>
    public bool Equals(ReduceAttributes? other) => other is not null && KeepDims == other.KeepDims && Axes.AsSpan().SequenceEqual(other.Axes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(KeepDims);
        foreach (int a in Axes) hash.Add(a);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string Print() => $"axes=({string.Join(",", Axes)}){(KeepDims ? ",keep_dims" : "")}";
}
