namespace Trainer.Training.Data;

/// <summary>
/// Pipeline stage that yields exactly the batches of <see cref="BatchDataset"/> (same rows, same order, same short last batch),
/// but reads the rows of each batch with <see cref="Dataset.GetRow"/> on up to <see cref="Workers"/> threads and prepares the
/// next batch while the current one is consumed. Over a random-access pipeline (a source such as
/// <see cref="ImageFolderDataset"/> or <see cref="Cifar10Dataset"/>, then Map and Shuffle stages) this is where images are decoded
/// and augmented on worker threads.
/// </summary>
/// <remarks>
/// The results do not depend on <see cref="Workers"/>: every row is a pure function of its position and the epoch (random
/// transforms draw from <see cref="RowRandom"/>), and rows are placed by position. An exception from a row is rethrown to
/// the consumer when that batch is reached. Leaving the loop early waits for the batch being prepared, then stops.
/// </remarks>
public sealed class ParallelBatchDataset : Dataset
{
    /// <summary>Creates the stage.</summary>
    /// <exception cref="DatasetException">The source is not random access, or the batch size or worker count is not positive.</exception>
    public ParallelBatchDataset(Dataset source, int batchSize, bool dropRemainder, int workers)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (batchSize <= 0) throw new DatasetException($"Batch: batch size must be positive, got {batchSize}");
        if (workers <= 0) throw new DatasetException($"Batch: workers must be positive, got {workers}");
        if (!source.IsRandomAccess)
            throw new DatasetException($"Batch: reading rows on {workers} workers needs a random-access source, and {source.GetType().Name} is not; use Batch");
        Source = source;
        BatchSize = batchSize;
        DropRemainder = dropRemainder;
        Workers = workers;
    }

    /// <summary>The stage rows are read from.</summary>
    public Dataset Source { get; }

    /// <summary>Number of rows stacked into each full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a final batch with fewer than <see cref="BatchSize"/> rows is skipped.</summary>
    public bool DropRemainder { get; }

    /// <summary>The most threads that read rows at once.</summary>
    public int Workers { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Source.ColumnNames;

    /// <summary>Number of batches per epoch, as <see cref="BatchDataset.GetDatasetSize"/> counts them.</summary>
    public override int GetDatasetSize()
    {
        int rows = Source.GetDatasetSize();
        int full = rows / BatchSize;
        return DropRemainder || rows % BatchSize == 0 ? full : full + 1;
    }

    /// <inheritdoc />
    /// <exception cref="DatasetException">Rows of one column differ in shape or element type, or a row cannot be read.</exception>
    public override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        int batches = GetDatasetSize();
        if (batches == 0) yield break;
        Task<HostTensor[]>? next = Task.Run(() => Prepare(0, epoch));
        try
        {
            for (int b = 0; b < batches; b++)
            {
                HostTensor[] batch = next!.GetAwaiter().GetResult();
                int following = b + 1;
                next = following < batches ? Task.Run(() => Prepare(following, epoch)) : null;
                yield return batch;
            }
        }
        finally
        {
            // The consumer left early (or a batch failed): let the batch in preparation finish before returning.
            if (next is not null)
            {
                try
                {
                    next.Wait();
                }
                catch (AggregateException)
                {
                    // Nobody will consume that batch, so its error does not matter.
                }
            }
        }
    }

    private HostTensor[] Prepare(int batch, int epoch)
    {
        int first = batch * BatchSize;
        int count = Math.Min(BatchSize, Source.GetDatasetSize() - first);
        var fetched = new HostTensor[count][];
        var errors = new Exception?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i =>
        {
            try
            {
                fetched[i] = Source.GetRow(first + i, epoch);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });
        // Every row was tried, so the error reported is the first row's in order, whatever the thread count.
        foreach (Exception? error in errors)
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return BatchDataset.Stack(fetched, ColumnNames);
    }
}
