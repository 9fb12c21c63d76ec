using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// MindSpore's <c>vision.RandomHorizontalFlip(prob)</c>: mirrors an <c>[H,W,C]</c> (or <c>[H,W]</c>) image left to
/// right with probability <see cref="Probability"/>, otherwise copies it unchanged.
/// </summary>
/// <remarks>
/// Row r of epoch e is flipped when <c>RowRandom.Unit(seed ^ 0x464C4950, e, r, 0) &lt; prob</c> ("FLIP" salts the
/// seed so a crop and a flip built from one seed draw independently).
/// </remarks>
public sealed class RandomHorizontalFlip : IRandomTransform
{
    private const ulong Salt = 0x464C4950;

    /// <summary>Creates the transform.</summary>
    /// <exception cref="DatasetException"><paramref name="probability"/> is not in [0, 1].</exception>
    public RandomHorizontalFlip(double probability, ulong seed)
    {
        if (!(probability is >= 0 and <= 1))
            throw new DatasetException($"RandomHorizontalFlip: probability must be in [0, 1], got {probability}");
        Probability = probability;
        Seed = seed;
    }

    /// <summary>The chance each row is flipped.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public ulong Seed { get; }

    /// <inheritdoc />
    public string Name => "RandomHorizontalFlip";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape)
    {
        ImageShape.Of(inputShape, Name, HostTensor.FormatShape(inputShape));
        return (int[])inputShape.Clone();
    }

    /// <summary>Whether row <paramref name="row"/> of epoch <paramref name="epoch"/> is flipped.</summary>
    public bool Flips(int epoch, long row) => RowRandom.Unit(Seed ^ Salt, epoch, row, 0) < Probability;

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input) => ApplyAt(input, 0, 0);

    /// <inheritdoc />
    public HostTensor ApplyAt(HostTensor input, int epoch, long row)
    {
        var image = ImageShape.Of(input, Name);
        bool flip = Flips(epoch, row);
        int[] shape = (int[])input.Shape.Clone();
        return input.DType == DType.UInt8
            ? new HostTensor(shape, Mirror(input.AsUInt8(), image, flip))
            : new HostTensor(shape, Mirror(input.AsFloat(), image, flip));
    }

    private static T[] Mirror<T>(T[] src, ImageShape image, bool flip)
    {
        if (!flip) return (T[])src.Clone();
        int c = image.Channels;
        var dst = new T[src.Length];
        for (int y = 0; y < image.Height; y++)
        {
            int rowStart = y * image.Width;
            for (int x = 0; x < image.Width; x++)
                Array.Copy(src, (rowStart + x) * c, dst, (rowStart + image.Width - 1 - x) * c, c);
        }
        return dst;
    }
}
