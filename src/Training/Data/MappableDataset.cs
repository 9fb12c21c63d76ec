namespace Trainer.Training.Data;

/// <summary>
/// A source whose rows can be read in any order by index, as MindSpore's <c>MappableDataset</c> (the base of its
/// <c>MnistDataset</c>, <c>Cifar10Dataset</c> and <c>ImageFolderDataset</c>): a subclass says how many rows it has
/// and how to read one, and an epoch is those rows in index order. A <see cref="ShuffleDataset"/> over it fetches
/// rows in its own order without buffering them.
/// </summary>
public abstract class MappableDataset : Dataset
{
    /// <summary>Creates a source data set (no upstream stage).</summary>
    protected MappableDataset()
        : base(upstream: null)
    {
    }

    /// <summary>Number of rows the source holds.</summary>
    public abstract int Count { get; }

    /// <inheritdoc />
    public sealed override int GetDatasetSize() => Count;

    /// <inheritdoc />
    public sealed override bool IsRandomAccess => true;

    /// <summary>Rows 0 to <see cref="Count"/> - 1, each read by <see cref="GetRow"/>.</summary>
    public sealed override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        for (int i = 0; i < Count; i++) yield return GetRow(i, epoch);
    }

    /// <summary>Reads row <paramref name="index"/> (the source's order); the epoch does not change a source's rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    public abstract override HostTensor[] GetRow(int index, int epoch);
}
