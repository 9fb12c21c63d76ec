using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Loops;

/// <summary>The tutorial's data pipeline: Rescale, Normalize and HWC2CHW on images, TypeCast on labels, then batches.</summary>
public static class Datapipe
{
    public const float Mean = 0.1307f, Std = 0.3081f;

    /// <summary>
    /// The same batches as <see cref="Create"/>, prepared ahead on a background thread into reused
    /// buffers: what the training and test loops iterate.
    /// </summary>
    public static PrefetchingBatchLoader CreateLoader(MnistDataset source, int batchSize, ulong? shuffleSeed) =>
        new(source, batchSize, shuffleSeed, scale: 1f / 255f, shift: 0f, Mean, Std);

    public static Dataset Create(MnistDataset source, int batchSize, ulong? shuffleSeed)
    {
        Dataset dataset = source
            .Map([new Rescale(1f / 255f, 0f), new Normalize(Mean, Std), new HWC2CHW()], "image")
            .Map([new TypeCast(DType.Int32)], "label");
        if (shuffleSeed is { } seed) dataset = dataset.Shuffle(seed);
        return dataset.Batch(batchSize);
    }
}
