namespace Trainer.Graph.Ir;

/// <summary>A one-hot encoding: rows of <see cref="Depth"/> elements, <see cref="On"/> at the index and <see cref="Off"/> elsewhere.</summary>
public sealed record OneHotAttributes(int Depth, float On, float Off) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"depth={Depth},on={On:R},off={Off:R}";
}
