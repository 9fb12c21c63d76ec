using System.Diagnostics;
using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

/// <summary>The MNIST quick-start pipeline end to end on the built-in data set.</summary>
public sealed class TutorialPipelineTests
{
    private static BatchDataset BuildPipeline(MnistDataset source, ulong seed) => source
        .Map([new Rescale(1f / 255f, 0f), new Normalize(0.1307f, 0.3081f), new HWC2CHW()], "image")
        .Map([new TypeCast(DType.Int32)], "label")
        .Shuffle(seed)
        .Batch(64, dropRemainder: false);

    [Fact]
    public void FirstBatch_MatchesFloat64Reference()
    {
        MnistDataset test = BuiltInMnist.Test;
        BatchDataset pipeline = BuildPipeline(test, seed: 58);
        var shuffle = (ShuffleDataset)pipeline.Source;

        HostTensor[] batch = pipeline.CreateTupleIterator(0).First();

        Assert.Equal(32, pipeline.GetDatasetSize());
        Assert.Equal(["image", "label"], pipeline.ColumnNames);
        HostTensor images = batch[0];
        HostTensor labels = batch[1];
        Assert.Equal(DType.Float32, images.DType);
        Assert.Equal([64, 1, 28, 28], images.Shape);
        Assert.Equal(DType.Int32, labels.DType);
        Assert.Equal([64], labels.Shape);

        int[] order = shuffle.GetPermutation(0);
        ReadOnlySpan<byte> pixels = test.ImageBytes.Span;
        float[] values = images.AsFloat();
        for (int b = 0; b < 64; b++)
        {
            int row = order[b];
            Assert.Equal(test.LabelBytes.Span[row], labels.AsInt32()[b]);
            for (int p = 0; p < 784; p++)
            {
                double expected = (pixels[row * 784 + p] / 255.0 - 0.1307) / 0.3081;
                double actual = values[b * 784 + p];
                Assert.True(Math.Abs(actual - expected) <= 1e-6, $"batch row {b}, pixel {p}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void Stages_CanBeInspectedFromTheLastOne()
    {
        BatchDataset pipeline = BuildPipeline(BuiltInMnist.Test, seed: 1);
        var stages = new List<Dataset>();
        for (Dataset? stage = pipeline; stage is not null; stage = stage.Upstream)
        {
            stages.Add(stage);
        }
        Assert.Collection(stages,
            s => Assert.Equal(64, Assert.IsType<BatchDataset>(s).BatchSize),
            s => Assert.Equal(1UL, Assert.IsType<ShuffleDataset>(s).Seed),
            s => Assert.Equal("label", Assert.IsType<MapDataset>(s).Column),
            s =>
            {
                MapDataset map = Assert.IsType<MapDataset>(s);
                Assert.Equal("image", map.Column);
                Assert.Equal(["Rescale", "Normalize", "HWC2CHW"], map.Transforms.Select(t => t.Name));
            },
            s => Assert.IsType<MnistDataset>(s));
    }

    [Fact]
    public void FullTrainEpoch_IsFast()
    {
        BatchDataset pipeline = BuildPipeline(BuiltInMnist.Train, seed: 3);
        pipeline.CreateTupleIterator(0).Take(2).ToArray();

        var stopwatch = Stopwatch.StartNew();
        int rows = 0;
        foreach (HostTensor[] batch in pipeline.CreateTupleIterator(1))
        {
            rows += batch[1].Shape[0];
        }
        stopwatch.Stop();

        Assert.Equal(8000, rows);
        // The target is well under a second; the bound is loose so a busy 2-core CI machine does not flake.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"one epoch took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }
}
