using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class ShuffleDatasetTests
{
    private static int[] Ids(Dataset dataset, int epoch) =>
        dataset.CreateTupleIterator(epoch).Select(row => row[0].AsInt32()[0]).ToArray();

    [Fact]
    public void Shuffle_YieldsEveryRowExactlyOnce()
    {
        ShuffleDataset shuffled = InMemoryDataset.Numbered(1000).Shuffle(42);
        int[] ids = Ids(shuffled, 0);
        Assert.Equal(1000, shuffled.GetDatasetSize());
        Assert.Equal(Enumerable.Range(0, 1000), ids.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), ids);
    }

    [Fact]
    public void Shuffle_IsDeterministicPerSeedAndEpoch()
    {
        Assert.Equal(Ids(InMemoryDataset.Numbered(500).Shuffle(7), 3), Ids(InMemoryDataset.Numbered(500).Shuffle(7), 3));
    }

    [Fact]
    public void Shuffle_DiffersAcrossEpochsAndSeeds()
    {
        ShuffleDataset shuffled = InMemoryDataset.Numbered(500).Shuffle(7);
        int[] epoch0 = Ids(shuffled, 0);
        Assert.NotEqual(epoch0, Ids(shuffled, 1));
        Assert.NotEqual(Ids(shuffled, 1), Ids(shuffled, 2));
        Assert.NotEqual(epoch0, Ids(InMemoryDataset.Numbered(500).Shuffle(8), 0));
    }

    [Fact]
    public void Shuffle_OrderIsTheDocumentedPermutation()
    {
        const ulong seed = 1234;
        ShuffleDataset shuffled = InMemoryDataset.Numbered(300).Shuffle(seed);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            int[] expected = Enumerable.Range(0, 300).ToArray();
            new SeededRandom(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1))).Shuffle<int>(expected);
            Assert.Equal(expected, shuffled.GetPermutation(epoch));
            Assert.Equal(expected, Ids(shuffled, epoch));
        }
    }

    [Fact]
    public void Shuffle_BufferedAndRandomAccessSources_GiveTheSameOrder()
    {
        int[] randomAccess = Ids(InMemoryDataset.Numbered(257, randomAccess: true).Shuffle(5), 2);
        int[] buffered = Ids(InMemoryDataset.Numbered(257, randomAccess: false).Shuffle(5), 2);
        Assert.Equal(randomAccess, buffered);
    }

    [Fact]
    public void Shuffle_KeepsColumnsOfARowTogether()
    {
        foreach (HostTensor[] row in InMemoryDataset.Numbered(50).Shuffle(3).CreateTupleIterator(1))
        {
            int id = row[0].AsInt32()[0];
            Assert.Equal([id, -id], row[1].AsFloat());
        }
    }

    [Fact]
    public void Shuffle_ExposesItsConfiguration()
    {
        InMemoryDataset source = InMemoryDataset.Numbered(2);
        ShuffleDataset shuffled = source.Shuffle(99);
        Assert.Same(source, shuffled.Source);
        Assert.Same(source, shuffled.Upstream);
        Assert.Equal(99UL, shuffled.Seed);
        Assert.Equal(source.ColumnNames, shuffled.ColumnNames);
    }
}
