using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class ParallelBatchDatasetTests
{
    private static Dataset Augmented(int rows) =>
        new InMemoryDataset(["image", "label"],
            Enumerable.Range(0, rows).Select(i => new[] { new HostTensor([5, 6, 3], Enumerable.Range(0, 90).Select(v => (byte)(v + i)).ToArray()), new HostTensor([], [i]) }).ToArray(),
            randomAccess: true)
        .Map([new RandomCrop(4, 4, 1, seed: 3), new RandomHorizontalFlip(0.5, seed: 3)], "image")
        .Shuffle(17);

    [Theory]
    [InlineData(1, 7, false, 1)]
    [InlineData(65, 7, false, 2)]
    [InlineData(65, 7, true, 3)]
    [InlineData(63, 64, false, 4)]
    public void Yields_exactly_the_batches_of_the_sequential_pipeline_for_any_worker_count(int rows, int batchSize, bool drop, int workers)
    {
        Dataset pipeline = Augmented(rows);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            HostTensor[][] expected = pipeline.Batch(batchSize, drop).Rows(epoch).ToArray();
            HostTensor[][] actual = pipeline.Batch(batchSize, drop, workers).Rows(epoch).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            Assert.Equal(pipeline.Batch(batchSize, drop).GetDatasetSize(), pipeline.Batch(batchSize, drop, workers).GetDatasetSize());
            for (int b = 0; b < expected.Length; b++)
            {
                Assert.Equal(expected[b][0].Shape, actual[b][0].Shape);
                Assert.Equal(expected[b][0].AsUInt8(), actual[b][0].AsUInt8());
                Assert.Equal(expected[b][1].AsInt32(), actual[b][1].AsInt32());
            }
        }
    }

    [Fact]
    public void Shuffle_over_random_access_is_random_access_in_the_order_it_yields()
    {
        Dataset shuffled = InMemoryDataset.Numbered(65).Shuffle(5);
        Assert.True(shuffled.IsRandomAccess);
        int[] order = shuffled.Rows(3).Select(r => r[0].AsInt32()[0]).ToArray();
        Assert.Equal(order, Enumerable.Range(0, 65).Select(i => shuffled.GetRow(i, 3)[0].AsInt32()[0]));
        Assert.False(InMemoryDataset.Numbered(5, randomAccess: false).Shuffle(5).IsRandomAccess);
    }

    [Fact]
    public void Bad_rows_and_settings_are_one_line_errors()
    {
        using var dir = new TempDirectory();
        ImageFolderTree.WriteRgb(Path.Combine(dir.Path, "a"), "0.png", 0, 4, 4);
        string bad = ImageFolderTree.WriteRgb(Path.Combine(dir.Path, "a"), "1.png", 1, 32, 32);
        var data = new ImageFolderDataset(dir.Path);
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..60]); // cut after the header was checked
        var e = Assert.Throws<DatasetException>(() => data.Batch(2, false, 2).Rows(0).ToArray());
        Assert.StartsWith($"{bad}: image data is truncated", e.Message);
        Assert.StartsWith("Batch: reading rows on 2 workers needs a random-access source",
            Assert.Throws<DatasetException>(() => InMemoryDataset.Numbered(3, randomAccess: false).Batch(2, false, 2)).Message);
        Assert.Equal("Batch: workers must be positive, got 0", Assert.Throws<DatasetException>(() => data.Batch(2, false, 0)).Message);
    }
}
