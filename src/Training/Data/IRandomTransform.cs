namespace Trainer.Training.Data;

/// <summary>
/// A transform whose result depends on randomness as well as on its input (a random crop, a random
/// flip). A <see cref="MapDataset"/> calls <see cref="ApplyAt"/> with the epoch and the row's position,
/// and the transform derives its draws from (its seed, epoch, row) with <see cref="RowRandom"/>, so the
/// same seed, epoch and row give the same result whatever the thread count or order of evaluation.
/// </summary>
/// <remarks>
/// <see cref="ITransform.Apply"/> on such a transform is the draw of epoch 0, row 0: deterministic, but
/// the same for every call, so pipelines call <see cref="ApplyAt"/>.
/// </remarks>
public interface IRandomTransform : ITransform
{
    /// <summary>The seed every draw derives from.</summary>
    ulong Seed { get; }

    /// <summary>Computes the transformed tensor for row <paramref name="row"/> of epoch <paramref name="epoch"/>.</summary>
    /// <exception cref="DatasetException">The transform cannot accept the input's shape or element type.</exception>
    HostTensor ApplyAt(HostTensor input, int epoch, long row);
}
