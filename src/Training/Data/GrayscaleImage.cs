using SkiaSharp;

namespace Trainer.Training.Data;

/// <summary>
/// Reads an image file as one MNIST-like example: 8-bit grayscale, row-major, a fixed height and width.
/// </summary>
public static class GrayscaleImage
{
    /// <summary>
    /// The most pixels an image may declare: 50 megapixels, a large photograph, 200 MB decoded. Checked from the
    /// header before decoding, since a small compressed file can declare far more (a 389 KB PNG of 20000x20000 decodes to 1.6 GB).
    /// </summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The largest image file read, 256 MiB; the file is read whole before decoding.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Decodes <paramref name="path"/> (any format SkiaSharp decodes: PNG, JPEG, BMP, GIF, WebP, ICO...)
    /// and returns <paramref name="height"/> x <paramref name="width"/> bytes, row-major, one per pixel.
    /// </summary>
    /// <remarks>
    /// Colour becomes gray by the luma rule round(0.299 R + 0.587 G + 0.114 B), so an image that is
    /// already gray keeps its values exactly. Transparency is composited over black, MNIST's
    /// background: a pixel of alpha a contributes a/255 of its colour. Embedded colour profiles are
    /// not applied; the stored values are used as they are. An image of another size is resampled
    /// (linear with mipmaps when shrinking, Mitchell cubic when enlarging), which stretches it when
    /// the aspect ratios differ. The EXIF orientation of a JPEG is not applied.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> or <paramref name="width"/> is not positive.</exception>
    /// <exception cref="DatasetException">
    /// The file is missing, is a directory, cannot be read, is empty or over <see cref="MaxFileBytes"/>, is not an image
    /// SkiaSharp can decode, is truncated, has no pixels or declares more than <see cref="MaxPixels"/>; the one-line
    /// message names the file.
    /// </exception>
    public static byte[] Load(string path, int height = 28, int width = 28)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        using var bitmap = ImageFileDecoder.DecodePremultiplied(path, ImageFileDecoder.ReadFile(path));
        if (bitmap.Width == width && bitmap.Height == height) return ImageFileDecoder.ToChannels(bitmap, 1);
        using var resized = Resize(bitmap, height, width);
        return ImageFileDecoder.ToChannels(resized, 1);
    }

    private static SKBitmap Resize(SKBitmap source, int height, int width)
    {
        bool shrinking = width < source.Width || height < source.Height;
        var sampling = shrinking
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var target = new SKBitmap(info);
        using var image = SKImage.FromBitmap(source);
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.Transparent);
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
        canvas.DrawImage(image, new SKRect(0, 0, width, height), sampling, paint);
        canvas.Flush();
        return target;
    }
}
