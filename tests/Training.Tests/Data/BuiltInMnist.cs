using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

/// <summary>The embedded data set, loaded once and shared: data sets are immutable and each enumeration has its own state.</summary>
internal static class BuiltInMnist
{
    private static readonly Lazy<MnistDataset> LazyTrain = new(() => new MnistDataset(null, "train"));
    private static readonly Lazy<MnistDataset> LazyTest = new(() => new MnistDataset(null, "test"));

    public static MnistDataset Train => LazyTrain.Value;

    public static MnistDataset Test => LazyTest.Value;
}
