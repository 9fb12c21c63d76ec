using Trainer.Training;
using Trainer.Training.Tests;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Cli.Diagnostics;
using Trainer.Training.Tests.Data;

namespace Trainer.Cli.Tests.Diagnostics;

/// <summary>The comparison's batch stream and loss-difference arithmetic, without a device.</summary>
public sealed class ModeComparisonTests
{
    /// <summary>How ModeComparison built its batches before it streamed them: every one up front.</summary>
    private static List<HostTensor[]> AllUpFront(Dataset batches, int batchSize, int count)
    {
        var list = new List<HostTensor[]>(count);
        for (int epoch = 0; list.Count < count; epoch++)
            list.AddRange(batches.CreateTupleIterator(epoch).Where(b => b[0].Shape[0] == batchSize).Take(count - list.Count));
        return list;
    }

    private static int[][] Ids(IEnumerable<HostTensor[]> batches) => batches.Select(b => b[0].AsInt32().ToArray()).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(50)]
    public void Streamed_batches_are_the_up_front_batches_across_epochs(int count)
    {
        // 100 rows in batches of 7: 14 full batches and a short one per epoch, shuffled anew each epoch.
        var batches = InMemoryDataset.Numbered(100).Shuffle(5).Batch(7);
        var streamed = Ids(ModeComparison.FullBatches(batches, 7, "none").Take(count));
        Assert.Equal(Ids(AllUpFront(batches, 7, count)), streamed);
        Assert.All(streamed, b => Assert.Equal(7, b.Length));
        if (count > 14) Assert.NotEqual(streamed[0], streamed[14]); // epoch 1 is shuffled differently
    }

    [Fact]
    public void An_epoch_without_a_full_batch_is_a_dataset_error()
    {
        var batches = InMemoryDataset.Numbered(5).Batch(7);
        var e = Assert.Throws<DatasetException>(() => ModeComparison.FullBatches(batches, 7, "5 images make no full batch of 7").First());
        Assert.Equal("5 images make no full batch of 7", e.Message);
    }

    [Fact]
    public void Steps_beyond_the_limit_are_refused_before_any_work()
    {
        var comparison = new ModeComparison(DeviceRequest.Auto, dataDirectory: null, batchSize: 64, seed: 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => comparison.Measure(ExecutionMode.Eager, 10, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => comparison.Measure(ExecutionMode.Eager, 1, ModeComparison.MaxSteps));
        Assert.Throws<ArgumentOutOfRangeException>(() => comparison.Measure(ExecutionMode.Eager, -1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => comparison.Measure(ExecutionMode.Eager, 0, 0));
    }

    [Theory]
    [InlineData(new[] { 1f, 2f }, new[] { 1.5f, 2f }, 0.5)]
    [InlineData(new float[0], new float[0], 0.0)]
    [InlineData(new[] { 1f, float.NaN, 3f }, new[] { 1f, 2f, 3f }, double.NaN)]
    [InlineData(new[] { 1f, 2f, 3f }, new[] { 1f, 2f, float.NaN }, double.NaN)]
    [InlineData(new[] { float.PositiveInfinity }, new[] { float.PositiveInfinity }, double.NaN)]
    [InlineData(new[] { 1f, float.NegativeInfinity }, new[] { 1f, 0f }, double.NaN)]
    public void Max_loss_difference_is_NaN_when_either_loss_is_not_finite(float[] a, float[] b, double expected)
    {
        Assert.Equal(expected, LossDifference.MaxAbsolute(a, b));
        Assert.Equal(expected, LossDifference.MaxAbsolute(b, a));
    }

    [Theory]
    [InlineData(new[] { 1f, 2f, 3f }, new[] { 1f, 2f, 3f }, -1)]
    [InlineData(new[] { 1f, 0f, 3f }, new[] { 1f, -0f, 3f }, 1)] // equal as numbers, not as bits
    [InlineData(new[] { 1f, 2f }, new[] { 1f, 2.0000002f }, 1)]
    [InlineData(new[] { 1f, 2f }, new[] { 1f }, 1)] // one run ended early
    [InlineData(new float[0], new float[0], -1)]
    public void First_bit_difference_finds_the_first_step_that_differs_in_any_bit(float[] a, float[] b, int expected)
    {
        Assert.Equal(expected, LossDifference.FirstBitDifference(a, b));
        Assert.Equal(expected, LossDifference.FirstBitDifference(b, a));
    }

    [Theory]
    [InlineData(new[] { 2f, 4f }, new[] { 2f, 5f }, 0.25)]
    [InlineData(new[] { 1f, float.NaN }, new[] { 1f, 1f }, double.NaN)]
    [InlineData(new[] { 1f, 1f }, new[] { float.NaN, 1f }, double.NaN)]
    [InlineData(new[] { float.PositiveInfinity }, new[] { float.PositiveInfinity }, double.NaN)]
    public void Max_relative_difference_is_NaN_when_either_loss_is_not_finite(float[] expected, float[] actual, double max)
    {
        double got = LossDifference.MaxRelative(expected, actual);
        Assert.Equal(max, got, 12);
        var result = new ModeAgreementCheck.Result("check", got, ModeAgreementCheck.FusedTolerance, expected.Length);
        Assert.Equal(!double.IsNaN(max) && max <= ModeAgreementCheck.FusedTolerance, result.Passed);
        if (double.IsNaN(max))
        {
            Assert.False(result.Passed);
            Assert.False(new ModeAgreementCheck.Result("bit-identical", got, 0, expected.Length).Passed);
        }
    }

    [Fact]
    public void First_non_finite_step_is_the_first_NaN_or_infinity()
    {
        static ModeMeasurement With(params float[] losses) => new()
        {
            Mode = ExecutionMode.Eager, CompileMs = 0, StepMsMedian = 1, StepMsP10 = 1, StepMsP90 = 1, StepsPerSecond = 1, SamplesPerSecond = 1,
            LaunchesPerStep = 1, DeviceBytesPerStep = 0, FreshDeviceBytesPerStep = 0, ManagedBytesPerStep = 0, UploadsPerStep = 1, DownloadsPerStep = 0, SyncsPerStep = 0, PeakDeviceBytes = 0, TestAccuracy = 0,
            Losses = losses,
        };
        Assert.Null(With(1f, 2f).FirstNonFiniteStep);
        Assert.Null(With().FirstNonFiniteStep);
        Assert.Equal(1, With(1f, float.NaN, float.PositiveInfinity).FirstNonFiniteStep);
        Assert.Equal(0, With(float.NegativeInfinity, 1f).FirstNonFiniteStep);
    }
}
