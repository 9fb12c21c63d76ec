using Trainer.Kernels.Device;
using Trainer.Training.Distributed;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Distributed;

/// <summary>
/// The buffers data-parallel ranks average (every BatchNorm's, not Dropout's generator state), and their average over
/// ranks on threads (<see cref="DataParallelGroupTests.OnRanks"/>): every rank ends with the same bits, the float64
/// mean of all ranks' values rounded once.
/// </summary>
public sealed class RunningStatisticsTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    [Fact]
    public void The_running_statistics_are_every_batch_norms_buffers_and_nothing_else()
    {
        var resnet = new ResNet8(channels: 3, classes: 7);
        var stats = RunningStatistics.Of(resnet);
        var expected = resnet.NamedBuffers().Where(b => b.Name.EndsWith(".moving_mean", StringComparison.Ordinal) || b.Name.EndsWith(".moving_variance", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * 9, expected.Count); // the stem, two in each of three blocks, the two projection shortcuts
        Assert.Equal(expected.Select(b => b.Buffer), stats);

        var dropped = new SequentialCell(new Dense(4, 3), new Dropout(0.5f, 1), new BatchNorm1d(3), new Dense(3, 2));
        Assert.Equal(["2.moving_mean", "2.moving_variance"], dropped.NamedBuffers().Where(b => RunningStatistics.Of(dropped).Contains(b.Buffer)).Select(b => b.Name));
        Assert.Empty(RunningStatistics.Of(new SequentialCell(new Dense(4, 3), new Dropout(0.5f, 1))));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 7)]
    [InlineData(3, 65)]
    public void Averaging_leaves_every_rank_the_mean_of_all_ranks(int ranks, int features)
    {
        var session = sessions.Get(DeviceKind.Cpu);
        // Rank r's statistics: values that differ by rank and feature, like running statistics drifted apart.
        float Mean(int rank, int i) => 0.1f * rank - 0.37f * i + 1f / (rank + 3);
        float Variance(int rank, int i) => 1f + 0.5f * rank + 0.01f * i * i;
        var cells = Enumerable.Range(0, ranks).Select(r =>
        {
            var bn = new BatchNorm1d(features);
            session.Place(bn);
            session.Assign(bn.MovingMean, Enumerable.Range(0, features).Select(i => Mean(r, i)).ToArray());
            session.Assign(bn.MovingVariance, Enumerable.Range(0, features).Select(i => Variance(r, i)).ToArray());
            return bn;
        }).ToArray();

        var results = DataParallelGroupTests.OnRanks(ranks, group =>
        {
            var bn = cells[group.Rank];
            group.AverageBuffers(session, RunningStatistics.Of(bn));
            return (Mean: bn.MovingMean.ToFloatArray(), Variance: bn.MovingVariance.ToFloatArray());
        });

        for (int i = 0; i < features; i++)
        {
            double mean = Enumerable.Range(0, ranks).Average(r => (double)Mean(r, i));
            double variance = Enumerable.Range(0, ranks).Average(r => (double)Variance(r, i));
            // Rounded once from the float64 mean: within half an ulp of float32 (2^-24 relative), plus the sum's rounding.
            Assert.True(Math.Abs(results[0].Mean[i] - mean) <= 2e-7 * Math.Max(1, Math.Abs(mean)), $"feature {i}: mean {results[0].Mean[i]:R}, expected {mean:R}");
            Assert.True(Math.Abs(results[0].Variance[i] - variance) <= 2e-7 * variance, $"feature {i}: variance {results[0].Variance[i]:R}, expected {variance:R}");
        }
        foreach (var (m, v) in results.Skip(1))
        {
            Assert.Equal(results[0].Mean, m);
            Assert.Equal(results[0].Variance, v);
        }
    }

    [Fact]
    public void A_group_of_one_leaves_the_statistics_alone()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var bn = new BatchNorm1d(3);
        session.Place(bn);
        session.Assign(bn.MovingMean, [1f, 2f, 3f]);
        DataParallelGroup.Single.AverageBuffers(session, RunningStatistics.Of(bn));
        Assert.Equal([1f, 2f, 3f], bn.MovingMean.ToFloatArray());
    }
}
