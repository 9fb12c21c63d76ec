namespace Trainer.Training.Data;

/// <summary>
/// Pipeline stage that stacks each run of <see cref="BatchSize"/> consecutive rows into one row: a column
/// whose tensors have shape S and type T becomes one tensor of shape <c>[n, ...S]</c> and type T, where
/// n is the number of rows stacked. The last batch holds the remaining rows (fewer than
/// <see cref="BatchSize"/>) unless <see cref="DropRemainder"/> is set, in which case it is skipped.
/// </summary>
public sealed class BatchDataset : Dataset
{
    /// <summary>Creates the stage.</summary>
    /// <exception cref="DatasetException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchDataset(Dataset source, int batchSize, bool dropRemainder)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (batchSize <= 0)
        {
            throw new DatasetException($"Batch: batch size must be positive, got {batchSize}");
        }
        Source = source;
        BatchSize = batchSize;
        DropRemainder = dropRemainder;
    }

    /// <summary>The stage rows are read from.</summary>
    public Dataset Source { get; }

    /// <summary>Number of rows stacked into each full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a final batch with fewer than <see cref="BatchSize"/> rows is skipped.</summary>
    public bool DropRemainder { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Source.ColumnNames;

    /// <summary>Number of batches per epoch: rows / BatchSize rounded down when <see cref="DropRemainder"/>, else rounded up.</summary>
    public override int GetDatasetSize()
    {
        int rows = Source.GetDatasetSize();
        int full = rows / BatchSize;
        return DropRemainder || rows % BatchSize == 0 ? full : full + 1;
    }

    /// <inheritdoc />
    /// <exception cref="DatasetException">Rows of one column differ in shape or element type.</exception>
    public override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        var pending = new List<HostTensor[]>(Math.Min(BatchSize, Math.Max(Source.GetDatasetSize(), 0))); // not the batch size: it may be near 2^31
        foreach (HostTensor[] row in Source.Rows(epoch))
        {
            pending.Add(row);
            if (pending.Count == BatchSize)
            {
                yield return Stack(pending, ColumnNames);
                pending.Clear();
            }
        }
        if (pending.Count > 0 && !DropRemainder)
        {
            yield return Stack(pending, ColumnNames);
        }
    }

    /// <summary>Stacks <paramref name="rows"/> column by column into one row of tensors with a leading batch dimension.</summary>
    internal static HostTensor[] Stack(IReadOnlyList<HostTensor[]> rows, IReadOnlyList<string> columnNames)
    {
        int columns = rows[0].Length;
        var batch = new HostTensor[columns];
        for (int column = 0; column < columns; column++)
        {
            HostTensor first = rows[0][column];
            int[] shape = new int[first.Rank + 1];
            shape[0] = rows.Count;
            first.Shape.CopyTo(shape, 1);
            HostTensor stacked = HostTensor.Zeros(first.DType, shape);
            Array target = stacked.RawData;
            int stride = first.ElementCount;
            for (int r = 0; r < rows.Count; r++)
            {
                HostTensor item = rows[r][column];
                if (item.DType != first.DType || !item.Shape.AsSpan().SequenceEqual(first.Shape))
                {
                    throw new DatasetException(
                        $"Batch: rows of column '{columnNames[column]}' must match, expected {first}, found {item}");
                }
                Array.Copy(item.RawData, 0, target, r * stride, stride);
            }
            batch[column] = stacked;
        }
        return batch;
    }
}
