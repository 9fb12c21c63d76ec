using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class BatchDatasetTests
{
    [Theory]
    [InlineData(1, false, 100, 1)]
    [InlineData(1, true, 100, 1)]
    [InlineData(7, false, 15, 2)]
    [InlineData(7, true, 14, 7)]
    [InlineData(64, false, 2, 36)]
    [InlineData(64, true, 1, 64)]
    [InlineData(100, true, 1, 100)]
    [InlineData(101, true, 0, 0)]
    [InlineData(101, false, 1, 100)]
    public void Batch_CountsAndLastBatchLength(int batchSize, bool dropRemainder, int expectedBatches, int expectedLast)
    {
        BatchDataset batched = InMemoryDataset.Numbered(100).Batch(batchSize, dropRemainder);
        HostTensor[][] batches = batched.CreateTupleIterator(0).ToArray();

        Assert.Equal(expectedBatches, batched.GetDatasetSize());
        Assert.Equal(expectedBatches, batches.Length);
        if (expectedBatches > 0)
        {
            Assert.Equal(expectedLast, batches[^1][0].Shape[0]);
        }
        // Rows are stacked in order, so the ids run 0, 1, 2, ... across the batches.
        int[] ids = batches.SelectMany(batch => batch[0].AsInt32()).ToArray();
        Assert.Equal(Enumerable.Range(0, ids.Length), ids);
    }

    [Fact]
    public void Batch_StacksColumnsWithLeadingDimension()
    {
        BatchDataset batched = InMemoryDataset.Numbered(10).Batch(4);
        HostTensor[] first = batched.CreateTupleIterator(0).First();

        Assert.Equal([4], first[0].Shape);
        Assert.Equal(DType.Int32, first[0].DType);
        Assert.Equal([4, 2], first[1].Shape);
        Assert.Equal([0f, 0f, 1f, -1f, 2f, -2f, 3f, -3f], first[1].AsFloat());
        Assert.Equal(4, batched.BatchSize);
        Assert.False(batched.DropRemainder);
        Assert.Same(batched.Upstream, batched.Source);
    }

    [Theory]
    [InlineData(64, false, 32, 16)]
    [InlineData(64, true, 31, 64)]
    [InlineData(7, false, 286, 5)]
    [InlineData(1, false, 2000, 1)]
    public void Batch_BuiltInTestSet(int batchSize, bool dropRemainder, int expectedBatches, int expectedLast)
    {
        BatchDataset batched = BuiltInMnist.Test.Batch(batchSize, dropRemainder);
        Assert.Equal(expectedBatches, batched.GetDatasetSize());

        int count = 0;
        HostTensor[]? last = null;
        foreach (HostTensor[] batch in batched.CreateTupleIterator(0))
        {
            count++;
            last = batch;
        }
        Assert.Equal(expectedBatches, count);
        Assert.NotNull(last);
        Assert.Equal([expectedLast, 28, 28, 1], last[0].Shape);
        Assert.Equal([expectedLast], last[1].Shape);
        int firstRowOfLast = (expectedBatches - 1) * batchSize;
        Assert.Equal(BuiltInMnist.Test.ImageBytes.Slice(firstRowOfLast * 784, expectedLast * 784).ToArray(), last[0].AsUInt8());
    }

    [Fact]
    public void Batch_NonPositiveSize_IsRejected()
    {
        Assert.Equal("Batch: batch size must be positive, got 0",
            Assert.Throws<DatasetException>(() => InMemoryDataset.Numbered(3).Batch(0)).Message);
        Assert.Equal("Batch: batch size must be positive, got -64",
            Assert.Throws<DatasetException>(() => InMemoryDataset.Numbered(3).Batch(-64)).Message);
    }

    [Fact]
    public void Batch_RowsOfDifferentShape_AreRejected()
    {
        var source = new InMemoryDataset(
            ["x"],
            [[new HostTensor([2], new float[2])], [new HostTensor([3], new float[3])]],
            randomAccess: true);
        var error = Assert.Throws<DatasetException>(() => source.Batch(2).CreateTupleIterator(0).ToArray());
        Assert.Equal("Batch: rows of column 'x' must match, expected float32 [2], found float32 [3]", error.Message);
    }
}
