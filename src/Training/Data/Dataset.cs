namespace Trainer.Training.Data;

/// <summary>
/// A lazily evaluated, host-side data pipeline modelled on MindSpore's <c>mindspore.dataset</c>: a source
/// (such as <see cref="MnistDataset"/>) followed by stages built with <see cref="Map"/>,
/// <see cref="Shuffle"/> and <see cref="Batch(int, bool)"/>. Every row is an array of tensors, one per column, in
/// <see cref="ColumnNames"/> order. Nothing is computed until rows are enumerated, and each enumeration
/// recomputes them, so an epoch costs one pass over the source.
/// </summary>
/// <remarks>
/// The stage objects are public so that later code can inspect a pipeline (walk <see cref="Upstream"/>
/// and look at each stage's settings), for example to run some transforms on the device instead.
/// </remarks>
public abstract class Dataset
{
    /// <summary>Creates a stage that reads from <paramref name="upstream"/>, or a source when it is null.</summary>
    protected Dataset(Dataset? upstream)
    {
        Upstream = upstream;
    }

    /// <summary>The stage this one reads from; null for a source data set.</summary>
    public Dataset? Upstream { get; }

    /// <summary>Names of the columns of every row, in the order the row arrays hold them.</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary>
    /// Number of rows an epoch yields: the source's row count, or after <see cref="Batch(int, bool)"/> the number of
    /// batches (rounded up, or down when the last partial batch is dropped).
    /// </summary>
    public abstract int GetDatasetSize();

    /// <summary>
    /// Enumerates the rows of epoch <paramref name="epoch"/> (0-based). Each yielded array is new and holds
    /// one tensor per column in <see cref="ColumnNames"/> order. Stages that behave differently per
    /// epoch (such as <see cref="ShuffleDataset"/>) use the epoch number; the others pass it upstream.
    /// </summary>
    public abstract IEnumerable<HostTensor[]> Rows(int epoch);

    /// <summary>True when <see cref="GetRow"/> is supported, letting a shuffle fetch rows in any order without buffering them.</summary>
    public virtual bool IsRandomAccess => false;

    /// <summary>
    /// Returns row <paramref name="index"/> of epoch <paramref name="epoch"/>, the same row that
    /// <see cref="Rows"/> yields at that position. Only stages with <see cref="IsRandomAccess"/> support it.
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="IsRandomAccess"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="GetDatasetSize"/>.</exception>
    public virtual HostTensor[] GetRow(int index, int epoch) =>
        throw new NotSupportedException($"{GetType().Name} does not support random access to rows");

    /// <summary>Returns a stage that applies <paramref name="transforms"/>, in order, to column <paramref name="column"/> of every row.</summary>
    /// <exception cref="DatasetException">This data set has no column named <paramref name="column"/>.</exception>
    public MapDataset Map(IReadOnlyList<ITransform> transforms, string column) => new(this, transforms, column);

    /// <summary>Returns a stage that yields the rows in a seeded random order that changes every epoch; see <see cref="ShuffleDataset"/>.</summary>
    public ShuffleDataset Shuffle(ulong seed) => new(this, seed);

    /// <summary>Returns a stage that stacks every <paramref name="batchSize"/> consecutive rows into one; see <see cref="BatchDataset"/>.</summary>
    /// <exception cref="DatasetException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchDataset Batch(int batchSize, bool dropRemainder = false) => new(this, batchSize, dropRemainder);

    /// <summary>
    /// Returns a stage that yields the batches <see cref="Batch(int, bool)"/> yields, reading each batch's rows on up to
    /// <paramref name="workers"/> threads (decoding and augmenting them there); see <see cref="ParallelBatchDataset"/>.
    /// </summary>
    /// <exception cref="DatasetException">This data set is not random access, or <paramref name="batchSize"/> or <paramref name="workers"/> is not positive.</exception>
    public ParallelBatchDataset Batch(int batchSize, bool dropRemainder, int workers) => new(this, batchSize, dropRemainder, workers);

    /// <summary>
    /// Enumerates the rows (or batches) of epoch <paramref name="epoch"/>, each as an array of tensors in
    /// <see cref="ColumnNames"/> order. Equivalent to <see cref="Rows"/> after checking the epoch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public IEnumerable<HostTensor[]> CreateTupleIterator(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Rows(epoch);
    }
}
