using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class MappableDatasetTests
{
    /// <summary>A user's own source: row i is the int32 scalar i * i, read only through GetRow.</summary>
    private sealed class Squares(int count) : MappableDataset
    {
        public int Reads { get; private set; }

        public override int Count => count;

        public override IReadOnlyList<string> ColumnNames => ["square"];

        public override HostTensor[] GetRow(int index, int epoch)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
            Reads++;
            return [new HostTensor([], [index * index])];
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65)]
    public void Rows_AreGetRowInIndexOrder_AndTheSourceIsRandomAccess(int count)
    {
        var source = new Squares(count);
        Assert.True(source.IsRandomAccess);
        Assert.Equal(count, source.GetDatasetSize());
        int[] values = source.Rows(3).Select(row => row[0].AsInt32()[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * i), values);
        Assert.Equal(count, source.Reads);
    }

    [Fact]
    public void AShuffleOverIt_ReadsEachRowOnce_InTheOrderItShufflesIndices()
    {
        var source = new Squares(257);
        int[] shuffled = source.Shuffle(5).Rows(0).Select(row => row[0].AsInt32()[0]).ToArray();
        // The same permutation the shuffle applies to any random-access source of that size.
        int[] ids = InMemoryDataset.Numbered(257).Shuffle(5).Rows(0).Select(row => row[0].AsInt32()[0]).ToArray();
        Assert.Equal(ids.Select(i => i * i), shuffled);
        Assert.Equal(257, source.Reads);
    }
}
