using SkiaSharp;

namespace Trainer.Training.Data;

/// <summary>
/// Reads an image file as one MNIST-like example: 8-bit grayscale, row-major, a fixed height and width.
/// </summary>
public static class GrayscaleImage
{
    private const string Expected = "expected PNG, JPEG, BMP...";

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
        using var bitmap = DecodePremultiplied(path, ReadFile(path));
        if (bitmap.Width == width && bitmap.Height == height) return Luma(bitmap);
        using var resized = Resize(bitmap, height, width);
        return Luma(resized);
    }

    private static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path)) throw new DatasetException($"{path}: is a directory, not an image file ({Expected})");
        if (!File.Exists(path)) throw new DatasetException($"{path}: no such file ({Expected})");
        byte[] bytes;
        try
        {
            // Opened without blocking: a FIFO given as an image is refused instead of hanging.
            using var stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new DatasetException($"{path}: {problem} ({Expected})");
            if (stream.Length > MaxFileBytes)
                throw new DatasetException($"{path}: {stream.Length} bytes, more than the {MaxFileBytes} an image file may have");
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be read: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        if (bytes.Length == 0) throw new DatasetException($"{path}: empty file, not an image ({Expected})");
        return bytes;
    }

    /// <summary>Decodes to RGBA with premultiplied alpha: the colour channels are then the image composited over black.</summary>
    private static SKBitmap DecodePremultiplied(string path, byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new DatasetException($"{path}: not an image SkiaSharp can decode ({Expected})");
        var size = codec.Info;
        if (size.Width <= 0 || size.Height <= 0)
            throw new DatasetException($"{path}: image has no pixels ({size.Width}x{size.Height}), {Expected}");
        if ((long)size.Width * size.Height > MaxPixels)
            throw new DatasetException($"{path}: image declares {size.Width}x{size.Height} = {(long)size.Width * size.Height} pixels, more than the {MaxPixels} allowed; scale it down first");
        // No colour space on the target: the decoder leaves the stored values unconverted.
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw new DatasetException(result is SKCodecResult.IncompleteInput
            ? $"{path}: image data is truncated ({size.Width}x{size.Height} declared)"
            : $"{path}: image could not be decoded ({result}), {Expected}");
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

    private static byte[] Luma(SKBitmap bitmap)
    {
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        var gray = new byte[bitmap.Width * bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = rgba.Slice(y * rowBytes, bitmap.Width * 4);
            for (int x = 0; x < bitmap.Width; x++)
            {
                double luma = 0.299 * row[4 * x] + 0.587 * row[4 * x + 1] + 0.114 * row[4 * x + 2];
                gray[y * bitmap.Width + x] = (byte)Math.Clamp(Math.Round(luma), 0, 255);
            }
        }
        return gray;
    }
}
