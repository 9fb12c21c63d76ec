using Trainer.Training.Data;

namespace Trainer.Cli.Quickstart;

/// <summary>The rows of a random-access data set at the given positions, in that order: a split of one table.</summary>
internal sealed class RowSubset(Dataset table, int[] rows) : Dataset(table)
{
    private readonly Dataset source = table;

    public override IReadOnlyList<string> ColumnNames => source.ColumnNames;

    public override int GetDatasetSize() => rows.Length;

    public override bool IsRandomAccess => true;

    public override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        for (int i = 0; i < rows.Length; i++) yield return GetRow(i, epoch);
    }

    public override HostTensor[] GetRow(int index, int epoch) => source.GetRow(rows[index], epoch);
}
