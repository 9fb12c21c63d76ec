namespace Trainer.Training.Data;

/// <summary>
/// Pipeline stage that replaces one column of every row with the result of applying
/// <see cref="Transforms"/> to it, first to last. Other columns pass through unchanged, as does the row
/// count and order.
/// </summary>
public sealed class MapDataset : Dataset
{
    private readonly ITransform[] _transforms;

    /// <summary>Creates the stage; the transform list is copied.</summary>
    /// <exception cref="DatasetException"><paramref name="source"/> has no column named <paramref name="column"/>.</exception>
    public MapDataset(Dataset source, IReadOnlyList<ITransform> transforms, string column)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(column);
        _transforms = transforms.ToArray();
        for (int i = 0; i < _transforms.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_transforms[i], $"{nameof(transforms)}[{i}]");
        }
        int index = -1;
        for (int i = 0; i < source.ColumnNames.Count; i++)
        {
            if (source.ColumnNames[i] == column)
            {
                index = i;
                break;
            }
        }
        if (index < 0)
        {
            string existing = string.Join(", ", source.ColumnNames.Select(name => $"'{name}'"));
            throw new DatasetException($"Map: unknown column '{column}', expected one of {existing}");
        }
        Source = source;
        Column = column;
        ColumnIndex = index;
    }

    /// <summary>The stage rows are read from.</summary>
    public Dataset Source { get; }

    /// <summary>Name of the column the transforms apply to.</summary>
    public string Column { get; }

    /// <summary>Position of <see cref="Column"/> in <see cref="Dataset.ColumnNames"/>.</summary>
    public int ColumnIndex { get; }

    /// <summary>The transforms, in the order they are applied.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Source.ColumnNames;

    /// <inheritdoc />
    public override int GetDatasetSize() => Source.GetDatasetSize();

    /// <inheritdoc />
    public override bool IsRandomAccess => Source.IsRandomAccess;

    /// <inheritdoc />
    public override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        long index = 0;
        foreach (HostTensor[] row in Source.Rows(epoch))
        {
            yield return Transform(row, index++, epoch);
        }
    }

    /// <inheritdoc />
    public override HostTensor[] GetRow(int index, int epoch) => Transform(Source.GetRow(index, epoch), index, epoch);

    /// <summary>
    /// Applies the transforms to the column of <paramref name="row"/>, which sits at position
    /// <paramref name="index"/> of epoch <paramref name="epoch"/>: an <see cref="IRandomTransform"/>
    /// draws its randomness from that position, so <see cref="Rows"/> and <see cref="GetRow"/> agree.
    /// </summary>
    private HostTensor[] Transform(HostTensor[] row, long index, int epoch)
    {
        // Copy the row array: upstream stages may keep or share theirs.
        var result = (HostTensor[])row.Clone();
        HostTensor value = result[ColumnIndex];
        foreach (ITransform transform in _transforms)
        {
            value = transform is IRandomTransform random ? random.ApplyAt(value, epoch, index) : transform.Apply(value);
        }
        result[ColumnIndex] = value;
        return result;
    }
}
