using Trainer.Training.Data;
using Trainer.Training.Distributed;

namespace Trainer.Training.Tests.Data;

/// <summary>
/// The prefetching loader over any batched pipeline: the pipeline's own batches, each rank's rows of them, and
/// what it refuses.
/// </summary>
public sealed class PrefetchingPipelineTests
{
    private static Dataset Pipeline(int rows, int batch, bool drop = false) =>
        InMemoryDataset.Numbered(rows).Shuffle(5).Batch(batch, drop);

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(7, 3, false)]
    [InlineData(63, 7, false)]
    [InlineData(65, 7, true)]
    [InlineData(257, 64, false)]
    public void Yields_the_pipelines_batches_in_order(int rows, int batch, bool drop)
    {
        var loader = new PrefetchingBatchLoader(Pipeline(rows, batch, drop));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var expected = Pipeline(rows, batch, drop).CreateTupleIterator(epoch).ToList();
            var got = loader.Batches(epoch).Select(b => (Ids: b.Data.AsInt32().ToArray(), Values: b.Label.AsFloat().ToArray())).ToList();
            Assert.Equal(expected.Count, loader.BatchCount);
            Assert.Equal(expected.Select(e => e[0].AsInt32()), got.Select(g => g.Ids));
            Assert.Equal(expected.Select(e => e[1].AsFloat()), got.Select(g => g.Values));
        }
    }

    /// <summary>Over <c>Batch(n, drop, workers)</c>, whose rows are read on worker threads, the loader yields exactly <c>Batch(n, drop)</c>'s batches.</summary>
    [Theory]
    [InlineData(1, 1, false, 2)]
    [InlineData(65, 7, false, 3)]
    [InlineData(63, 8, true, 2)]
    public void Over_worker_thread_batches_yields_the_same_batches(int rows, int batch, bool drop, int workers)
    {
        var loader = new PrefetchingBatchLoader(InMemoryDataset.Numbered(rows).Shuffle(5).Batch(batch, drop, workers));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var expected = Pipeline(rows, batch, drop).CreateTupleIterator(epoch).ToList();
            var got = loader.Batches(epoch).Select(b => (Ids: b.Data.AsInt32().ToArray(), Values: b.Label.AsFloat().ToArray())).ToList();
            Assert.Equal(expected.Count, loader.BatchCount);
            Assert.Equal(expected.Select(e => e[0].AsInt32()), got.Select(g => g.Ids));
            Assert.Equal(expected.Select(e => e[1].AsFloat()), got.Select(g => g.Values));
        }
    }

    [Theory]
    [InlineData(7, 3, 2)]
    [InlineData(65, 7, 3)]
    [InlineData(5, 4, 4)] // the last batch of 1 row over 4 ranks: three ranks borrow its row
    public void Each_rank_gets_its_share_and_the_shares_make_the_batch(int rows, int batch, int ranks)
    {
        var whole = Pipeline(rows, batch).CreateTupleIterator(0).Select(b => b[0].AsInt32()).ToList();
        var loaders = Enumerable.Range(0, ranks).Select(r => new PrefetchingBatchLoader(Pipeline(rows, batch), rank: r, ranks: ranks)).ToList();
        var shares = loaders.Select(l => l.Batches(0).Select(b => b.Data.AsInt32().ToArray()).ToList()).ToList();
        for (int i = 0; i < whole.Count; i++)
        {
            var joined = new List<int>();
            for (int r = 0; r < ranks; r++)
            {
                var shard = BatchShard.Of(whole[i].Length, r, ranks);
                Assert.Equal(shard, loaders[r].Shard(i));
                Assert.Equal(whole[i].AsSpan(shard.First, shard.Rows).ToArray(), shares[r][i]);
                if (shard.Owned > 0) joined.AddRange(shares[r][i]);
            }
            Assert.Equal(whole[i], joined);
        }
    }

    [Fact]
    public void Anything_but_a_batched_pipeline_of_two_columns_is_refused()
    {
        var e = Assert.Throws<DatasetException>(() => new PrefetchingBatchLoader(InMemoryDataset.Numbered(3)));
        Assert.Equal("PrefetchingBatchLoader: expected a batched data set (made by Dataset.Batch), got a InMemoryDataset", e.Message);
        var three = new InMemoryDataset(["a", "b", "c"], [[new HostTensor([], [1]), new HostTensor([], [2]), new HostTensor([], [3])]], true);
        e = Assert.Throws<DatasetException>(() => new PrefetchingBatchLoader(three.Batch(1)));
        Assert.Equal("PrefetchingBatchLoader: expected two columns (data, label), got 3: a, b, c", e.Message);
    }
}
