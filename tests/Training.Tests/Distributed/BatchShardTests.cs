using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Distributed;

/// <summary>How a global batch is split over ranks, checked against plain counting, and the loader's shards against the whole batches.</summary>
public class BatchShardTests
{
    public static TheoryData<int, int> Splits()
    {
        var data = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 2, 7, 63, 64, 65, 257 })
            foreach (int ranks in new[] { 1, 2, 3, 7, 8 })
                data.Add(rows, ranks);
        return data;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Shards_cover_the_batch_once_in_order_with_sizes_within_one(int rows, int ranks)
    {
        var shards = Enumerable.Range(0, ranks).Select(r => BatchShard.Of(rows, r, ranks)).ToList();

        var owner = new int[rows];
        Array.Fill(owner, -1);
        for (int r = 0; r < ranks; r++)
            for (int i = shards[r].Start; i < shards[r].Start + shards[r].Owned; i++)
            {
                Assert.Equal(-1, owner[i]);
                owner[i] = r;
            }
        Assert.DoesNotContain(-1, owner);
        Assert.Equal(owner.Order(), owner); // rank 0's rows first, then rank 1's, ...
        Assert.True(shards.Max(s => s.Owned) - shards.Min(s => s.Owned) <= 1);
        // The weights are each rank's share: they add up to the whole batch (in float64, exactly rows/rows).
        Assert.Equal(1.0, shards.Sum(s => (double)s.Owned / s.GlobalRows), 12);
        foreach (var s in shards)
        {
            Assert.Equal((float)s.Owned / rows, s.Weight);
            Assert.Equal(Math.Max(s.Owned, 1), s.Rows);
            // A rank with no row of its own computes on the batch's last row, with weight 0.
            Assert.InRange(s.First, 0, rows - 1);
            if (s.Owned == 0) Assert.Equal(0f, s.Weight);
        }
    }

    [Fact]
    public void Rejects_a_rank_outside_the_group_and_an_empty_batch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(8, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(8, -1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(0, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(8, 0, 0));
    }

    [Theory]
    [InlineData(64, 2)]
    [InlineData(7, 3)]
    [InlineData(257, 7)]
    [InlineData(3, 4)] // more ranks than rows in a batch: rank 3 owns none and borrows one
    public void Every_ranks_loader_batch_is_its_rows_of_the_single_process_batch(int batch, int ranks)
    {
        var source = BuiltInMnist.Test; // 2,000 rows: short last batches for 7, 257 and 3
        var whole = Datapipe.CreateLoader(source, batch, shuffleSeed: 5, bytes: true);
        var expected = whole.Batches(1).Select(b => (Data: b.Data.AsUInt8().ToArray(), Label: b.Label.AsInt32().ToArray())).ToList();
        int pixels = 28 * 28;
        for (int rank = 0; rank < ranks; rank++)
        {
            var loader = Datapipe.CreateLoader(source, batch, shuffleSeed: 5, bytes: true, rank: rank, ranks: ranks);
            Assert.Equal(whole.BatchCount, loader.BatchCount);
            int index = 0;
            foreach (var (data, label) in loader.Batches(1))
            {
                var shard = loader.Shard(index);
                var (wantData, wantLabel) = expected[index];
                Assert.Equal(wantLabel.Length, shard.GlobalRows);
                Assert.Equal([shard.Rows, 1, 28, 28], data.Shape);
                Assert.Equal(wantLabel.AsSpan(shard.First, shard.Rows).ToArray(), label.AsInt32());
                Assert.True(wantData.AsSpan(shard.First * pixels, shard.Rows * pixels).SequenceEqual(data.AsUInt8()),
                    $"rank {rank} batch {index}: images differ from rows {shard.First}.. of the whole batch");
                index++;
            }
            Assert.Equal(whole.BatchCount, index);
            Assert.Equal(new[] { loader.Shard(0).Rows, loader.Shard(loader.BatchCount - 1).Rows }.Distinct(), loader.RowCounts);
        }
    }
}
