using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Loops;

/// <summary>The tutorial's data pipeline: Rescale, Normalize and HWC2CHW on images, TypeCast on labels, then batches.</summary>
public static class Datapipe
{
    /// <summary>MNIST's pixel mean and standard deviation after rescaling to [0, 1], the tutorial's Normalize.</summary>
    public const float Mean = 0.1307f, Std = 0.3081f;

    /// <summary>Rescale's scale: bytes 0..255 to 0..1.</summary>
    public const float Scale = 1f / 255f, Shift = 0f;

    /// <summary>
    /// The same batches as <see cref="Create"/>, prepared ahead on a background thread into reused
    /// buffers: what the training and test loops iterate. With <paramref name="bytes"/> the images
    /// stay uint8 and <see cref="OnDevice"/> normalises them in the step (graph mode's upload).
    /// </summary>
    /// With several data-parallel <paramref name="ranks"/>, each batch is rank <paramref name="rank"/>'s share of the global batch.
    public static PrefetchingBatchLoader CreateLoader(MnistDataset source, int batchSize, ulong? shuffleSeed, bool bytes = false, int rank = 0, int ranks = 1) =>
        new(source, batchSize, shuffleSeed, Scale, Shift, Mean, Std, normalize: !bytes, rank: rank, ranks: ranks);

    /// <summary>The tutorial's image transforms, in order: Rescale, Normalize, HWC2CHW.</summary>
    public static ITransform[] ImageTransforms() => [new Rescale(Scale, Shift), new Normalize(Mean, Std), new HWC2CHW()];

    /// <summary>One HWC uint8 image through <see cref="ImageTransforms"/>, as a batch of one: float32 [1, C, H, W].</summary>
    public static HostTensor PrepareImage(HostTensor image)
    {
        foreach (var transform in ImageTransforms()) image = transform.Apply(image);
        return new HostTensor([1, .. image.Shape], image.AsFloat());
    }

    /// <summary>
    /// The tutorial's pipeline in batches: float32 images normalised on the host, or with
    /// <paramref name="bytes"/> left as uint8 [n,1,H,W] for <see cref="OnDevice"/>; int32 labels.
    /// </summary>
    public static Dataset Create(MnistDataset source, int batchSize, ulong? shuffleSeed, bool bytes = false)
    {
        Dataset dataset = source
            .Map(bytes ? [new HWC2CHW()] : ImageTransforms(), "image")
            .Map([new TypeCast(DType.Int32)], "label");
        if (shuffleSeed is { } seed) dataset = dataset.Shuffle(seed);
        return dataset.Batch(batchSize);
    }

    /// <summary><paramref name="source"/> with its <c>"label"</c> column cast to int32, as the steps take labels (MindSpore's <c>TypeCast(mstype.int32)</c>).</summary>
    public static Dataset Int32Labels(Dataset source) => source.Map([new TypeCast(DType.Int32)], "label");

    /// <summary>Rejects data a classifier of <paramref name="classes"/> classes cannot train on: an empty set, or labels it has no class for.</summary>
    /// <exception cref="DatasetException">Either set is empty, or a label is <paramref name="classes"/> or more.</exception>
    public static void CheckData(MnistDataset train, MnistDataset test, int classes)
    {
        foreach (var set in new[] { train, test })
            if (set.Count == 0)
                throw new DatasetException($"{set.Source}: the {set.Usage} set has no images");
        int maxLabel = Math.Max(train.MaxLabel, test.MaxLabel);
        if (maxLabel >= classes)
            throw new DatasetException($"{train.Source}: labels go up to {maxLabel}, but the model has {classes} classes");
    }

    /// <summary>
    /// Images as the model takes them: float32 ones (normalised on the host) pass through; uint8 ones
    /// get Rescale and Normalize here, as an <see cref="Ops.ImageNormalize"/> op, the same float32
    /// operations, so both give the same bits.
    /// </summary>
    public static Tensor OnDevice(Tensor images) =>
        images.Type.DType == DType.UInt8 ? Ops.ImageNormalize(images, Scale, Shift, Mean, Std) : images;
}
