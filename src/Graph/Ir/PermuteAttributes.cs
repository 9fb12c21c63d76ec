namespace Trainer.Graph.Ir;

/// <summary>A permutation of axes: output axis i is input axis <c>Axes[i]</c>.</summary>
public sealed record PermuteAttributes(int[] Axes) : OpAttributes
{
    /// <inheritdoc/>
    public bool Equals(PermuteAttributes? other) => other is not null && Axes.AsSpan().SequenceEqual(other.Axes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int a in Axes) hash.Add(a);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string Print() => $"axes=({string.Join(",", Axes)})";
}
