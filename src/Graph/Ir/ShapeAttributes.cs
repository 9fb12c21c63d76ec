namespace Trainer.Graph.Ir;

/// <summary>A target shape (BroadcastTo's).</summary>
public sealed record ShapeAttributes(int[] Shape) : OpAttributes
{
    /// <inheritdoc/>
    public bool Equals(ShapeAttributes? other) => other is not null && Shape.AsSpan().SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Shape) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string Print() => "[" + string.Join(",", Shape) + "]";
}
