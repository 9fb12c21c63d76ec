using Trainer.Training.Distributed;

namespace Trainer.Training.Tests.Distributed;

/// <summary>
/// The group's reductions with several ranks, each on its own thread over an in-memory communicator that sums in
/// float64 (the reference), against the global-batch means computed directly from every row.
/// </summary>
public class DataParallelGroupTests
{
    /// <summary>A group of <c>size</c> ranks in one process: every AllReduceSum waits for all of them and hands each the sum.</summary>
    private sealed class ThreadCommunicator(int rank, ThreadCommunicator.Hub hub) : ICommunicator
    {
        public sealed class Hub(int size)
        {
            public readonly Barrier Barrier = new(size);
            public readonly double[][] Slots = new double[size][];
            public int Size => size;
        }

        public int Rank => rank;
        public int Size => hub.Size;

        public void AllReduceSum(Span<float> data)
        {
            hub.Slots[rank] = data.ToArray().Select(f => (double)f).ToArray();
            hub.Barrier.SignalAndWait();
            for (int i = 0; i < data.Length; i++) data[i] = (float)hub.Slots.Sum(s => s[i]);
            hub.Barrier.SignalAndWait();
        }

        public ICommunicatorRequest BeginAllReduceSum(Memory<float> data) => throw new NotSupportedException();
        public void Barrier() => hub.Barrier.SignalAndWait();
        public void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted the group with {exitCode}");
        public void Dispose() { }
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="size"/> ranks, each on its own thread with its own group over one in-memory communicator.</summary>
    internal static T[] OnRanks<T>(int size, Func<DataParallelGroup, T> work)
    {
        var hub = new ThreadCommunicator.Hub(size);
        var results = new T[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            using var group = new DataParallelGroup(new ThreadCommunicator(r, hub));
            results[r] = work(group);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }

    [Theory]
    [InlineData(7, 2)]
    [InlineData(65, 3)]
    [InlineData(2, 3)] // rank 0 owns no row of the batch
    public void Per_rank_means_weighted_by_share_give_every_rank_the_global_mean(int rows, int ranks)
    {
        // Row i's "loss" is a known value; a rank's local mean is over its own rows, as the loss kernel computes it.
        float RowValue(int i) => 0.25f + i % 5 * 0.5f + i / 11f;
        double globalMean = Enumerable.Range(0, rows).Average(i => (double)RowValue(i));

        var results = OnRanks(ranks, group =>
        {
            var shard = BatchShard.Of(rows, group.Rank, group.Size);
            group.BeginBatch(shard);
            float local = Enumerable.Range(shard.First, shard.Rows).Select(RowValue).Average();
            var vector = new[] { local, 2 * local };
            group.CombineMeans(vector);
            return (Loss: group.CombineLoss(local), Vector: vector, Leader: group.IsLeader);
        });

        Assert.Single(results, r => r.Leader);
        foreach (var (loss, vector, _) in results)
        {
            Assert.Equal(globalMean, loss, 5);
            Assert.Equal(globalMean, vector[0], 5);
            Assert.Equal(2 * globalMean, vector[1], 5);
        }
        // Every rank holds the same bits, so their weights stay identical.
        Assert.All(results, r => Assert.Equal(results[0].Loss, r.Loss));
    }

    [Fact]
    public void Test_sums_add_every_ranks_counts()
    {
        var results = OnRanks(3, group => group.SumTest(lossSum: 0.5 * (group.Rank + 1), correct: 10 + group.Rank, total: 20));
        Assert.All(results, r => Assert.Equal((3.0, 33L, 60L), r));
    }
}
