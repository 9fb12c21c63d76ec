using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// MindSpore's <c>vision.RandomCrop(size, padding)</c>: pads an <c>[H,W,C]</c> (or <c>[H,W]</c>) image with
/// <see cref="Padding"/> zero pixels on every side, then cuts out a <see cref="Height"/> x <see cref="Width"/>
/// window whose top-left corner is uniform over every position that fits.
/// </summary>
/// <remarks>
/// The corner of row r in epoch e is <c>top = RowRandom.Below(H + 2p - height + 1, s, e, r, 0)</c> and
/// <c>left = RowRandom.Below(W + 2p - width + 1, s, e, r, 1)</c> with <c>s = seed ^ 0x43524F50</c> ("CROP"), so
/// a crop and a flip built from one seed draw independently. Output pixel (y, x) is input pixel
/// (top + y - p, left + x - p), or 0 where that falls in the padding.
/// </remarks>
public sealed class RandomCrop : IRandomTransform
{
    private const ulong Salt = 0x43524F50;

    /// <summary>Creates the transform.</summary>
    /// <exception cref="DatasetException">A size is not in [1, <see cref="Resize.MaxSide"/>] or the padding is negative or over <see cref="Resize.MaxSide"/>.</exception>
    public RandomCrop(int height, int width, int padding, ulong seed)
    {
        if (height is < 1 or > Resize.MaxSide || width is < 1 or > Resize.MaxSide)
            throw new DatasetException($"RandomCrop: height and width must be 1 to {Resize.MaxSide}, got {height}x{width}");
        if (padding is < 0 or > Resize.MaxSide)
            throw new DatasetException($"RandomCrop: padding must be 0 to {Resize.MaxSide}, got {padding}");
        Height = height;
        Width = width;
        Padding = padding;
        Seed = seed;
    }

    /// <summary>Output height in pixels.</summary>
    public int Height { get; }

    /// <summary>Output width in pixels.</summary>
    public int Width { get; }

    /// <summary>Zero pixels added on each of the four sides before cropping.</summary>
    public int Padding { get; }

    /// <inheritdoc />
    public ulong Seed { get; }

    /// <inheritdoc />
    public string Name => "RandomCrop";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape)
    {
        var image = ImageShape.Of(inputShape, Name, HostTensor.FormatShape(inputShape));
        CheckFits(image, HostTensor.FormatShape(inputShape));
        return ImageShape.WithSize(inputShape, Height, Width);
    }

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input) => ApplyAt(input, 0, 0);

    /// <summary>The window's top-left corner in padded coordinates for row <paramref name="row"/> of epoch <paramref name="epoch"/> of an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public (int Top, int Left) Corner(int height, int width, int epoch, long row) =>
        (RowRandom.Below(height + 2 * Padding - Height + 1, Seed ^ Salt, epoch, row, 0),
         RowRandom.Below(width + 2 * Padding - Width + 1, Seed ^ Salt, epoch, row, 1));

    /// <inheritdoc />
    public HostTensor ApplyAt(HostTensor input, int epoch, long row)
    {
        var image = ImageShape.Of(input, Name);
        CheckFits(image, input.ToString());
        var (top, left) = Corner(image.Height, image.Width, epoch, row);
        int[] shape = ImageShape.WithSize(input.Shape, Height, Width);
        return input.DType == DType.UInt8
            ? new HostTensor(shape, Crop(input.AsUInt8(), image, top, left))
            : new HostTensor(shape, Crop(input.AsFloat(), image, top, left));
    }

    private T[] Crop<T>(T[] src, ImageShape image, int top, int left)
    {
        int c = image.Channels;
        var dst = new T[Height * Width * c]; // zero: the padding
        for (int y = 0; y < Height; y++)
        {
            int sy = top + y - Padding;
            if (sy < 0 || sy >= image.Height) continue;
            // The run of output columns whose source column is inside the image.
            int x0 = Math.Max(0, Padding - left);
            int x1 = Math.Min(Width, image.Width + Padding - left);
            if (x1 <= x0) continue;
            int sx0 = left + x0 - Padding;
            Array.Copy(src, (sy * image.Width + sx0) * c, dst, (y * Width + x0) * c, (x1 - x0) * c);
        }
        return dst;
    }

    private void CheckFits(ImageShape image, string found)
    {
        if (image.Height + 2L * Padding < Height || image.Width + 2L * Padding < Width)
            throw new DatasetException($"{Name}: a {Height}x{Width} window does not fit {found} padded by {Padding}");
    }
}
