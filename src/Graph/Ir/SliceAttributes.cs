namespace Trainer.Graph.Ir;

/// <summary>
/// A window of a tensor of shape <see cref="Full"/>: <see cref="Size"/>[k] elements from <see cref="Begin"/>[k] along each
/// axis k, all non-negative. Slice copies it out; SliceGrad writes it back into zeros.
/// </summary>
public sealed record SliceAttributes(int[] Begin, int[] Size, int[] Full) : OpAttributes
{
    /// <inheritdoc/>
    public bool Equals(SliceAttributes? other) => other is not null && Begin.AsSpan().SequenceEqual(other.Begin)
        && Size.AsSpan().SequenceEqual(other.Size) && Full.AsSpan().SequenceEqual(other.Full);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int a in Begin) hash.Add(a);
        foreach (int a in Size) hash.Add(a);
        foreach (int a in Full) hash.Add(a);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string Print() => $"begin=({string.Join(",", Begin)}) size=({string.Join(",", Size)}) of=({string.Join(",", Full)})";
}
