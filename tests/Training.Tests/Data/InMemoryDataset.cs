using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

/// <summary>A source data set over fixed rows, optionally without random access, to exercise stage code paths.</summary>
internal sealed class InMemoryDataset(string[] columns, IReadOnlyList<HostTensor[]> rows, bool randomAccess) : Dataset(upstream: null)
{
    public override IReadOnlyList<string> ColumnNames => columns;

    public override int GetDatasetSize() => rows.Count;

    public override bool IsRandomAccess => randomAccess;

    public override IEnumerable<HostTensor[]> Rows(int epoch) => rows.Select(row => (HostTensor[])row.Clone());

    public override HostTensor[] GetRow(int index, int epoch) =>
        randomAccess ? (HostTensor[])rows[index].Clone() : base.GetRow(index, epoch);

    /// <summary>Rows whose "id" column is the int32 scalar i and whose "value" column is a float32 [2] tensor {i, -i}.</summary>
    public static InMemoryDataset Numbered(int count, bool randomAccess = true) => new(
        ["id", "value"],
        Enumerable.Range(0, count)
            .Select(i => new[] { new HostTensor([], [i]), new HostTensor([2], new float[] { i, -i }) })
            .ToArray(),
        randomAccess);
}
