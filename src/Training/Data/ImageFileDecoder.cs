using SkiaSharp;

namespace Trainer.Training.Data;

/// <summary>
/// Reads and decodes one image file with SkiaSharp, for <see cref="GrayscaleImage"/> and
/// <see cref="ImageFolderDataset"/>: every failure is a one-line <see cref="DatasetException"/> naming the file.
/// </summary>
internal static class ImageFileDecoder
{
    /// <summary>What the messages say an image file should be.</summary>
    public const string Expected = "expected PNG, JPEG, BMP...";

    /// <summary>Reads the whole file, refusing directories, missing and non-regular files, empty files and files over <see cref="GrayscaleImage.MaxFileBytes"/>.</summary>
    public static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path)) throw new DatasetException($"{path}: is a directory, not an image file ({Expected})");
        if (!File.Exists(path)) throw new DatasetException($"{path}: no such file ({Expected})");
        byte[] bytes;
        try
        {
            // Opened without blocking: a FIFO given as an image is refused instead of hanging.
            using var stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new DatasetException($"{path}: {problem} ({Expected})");
            if (stream.Length > GrayscaleImage.MaxFileBytes)
                throw new DatasetException($"{path}: {stream.Length} bytes, more than the {GrayscaleImage.MaxFileBytes} an image file may have");
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

    /// <summary>
    /// Checks from the header alone that <paramref name="bytes"/> is an image SkiaSharp can decode, with pixels and no more than
    /// <see cref="GrayscaleImage.MaxPixels"/> of them, and returns its size. The pixel data is not decoded, so a truncated body passes.
    /// </summary>
    public static SKImageInfo Probe(string path, byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new DatasetException($"{path}: not an image SkiaSharp can decode ({Expected})");
        return CheckSize(path, codec.Info);
    }

    /// <summary>The bytes <see cref="ProbeFile"/> reads first: enough for the header of any common image (a JPEG's SOF can follow tens of KB of EXIF).</summary>
    public const int ProbeBytes = 64 * 1024;

    /// <summary>
    /// <see cref="Probe(string, byte[])"/> on a file, reading only its first <see cref="ProbeBytes"/> when that holds the header
    /// (the whole file otherwise), so checking a folder of large photographs does not read them twice.
    /// </summary>
    public static SKImageInfo ProbeFile(string path)
    {
        byte[] head;
        long length;
        try
        {
            using var stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new DatasetException($"{path}: {problem} ({Expected})");
            length = stream.Length;
            if (length == 0) throw new DatasetException($"{path}: empty file, not an image ({Expected})");
            if (length > GrayscaleImage.MaxFileBytes)
                throw new DatasetException($"{path}: {length} bytes, more than the {GrayscaleImage.MaxFileBytes} an image file may have");
            head = new byte[Math.Min(length, ProbeBytes)];
            stream.ReadExactly(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be read: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        if (head.Length < length)
        {
            using var data = SKData.CreateCopy(head);
            using var codec = SKCodec.Create(data);
            if (codec is not null) return CheckSize(path, codec.Info);
        }
        return Probe(path, head.Length < length ? ReadFile(path) : head);
    }

    /// <summary>Decodes to RGBA with premultiplied alpha: the colour channels are then the image composited over black.</summary>
    public static SKBitmap DecodePremultiplied(string path, byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new DatasetException($"{path}: not an image SkiaSharp can decode ({Expected})");
        var size = CheckSize(path, codec.Info);
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

    /// <summary>
    /// The pixels of <paramref name="bitmap"/> (RGBA, premultiplied) as row-major HWC bytes with <paramref name="channels"/> channels:
    /// 3 keeps R, G, B (the image over black); 1 is the luma round(0.299 R + 0.587 G + 0.114 B), so a gray image keeps its values.
    /// </summary>
    public static byte[] ToChannels(SKBitmap bitmap, int channels)
    {
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        int width = bitmap.Width;
        var pixels = new byte[width * bitmap.Height * channels];
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = rgba.Slice(y * rowBytes, width * 4);
            if (channels == 3)
            {
                for (int x = 0; x < width; x++)
                {
                    int o = (y * width + x) * 3;
                    pixels[o] = row[4 * x];
                    pixels[o + 1] = row[4 * x + 1];
                    pixels[o + 2] = row[4 * x + 2];
                }
            }
            else
            {
                for (int x = 0; x < width; x++)
                {
                    double luma = 0.299 * row[4 * x] + 0.587 * row[4 * x + 1] + 0.114 * row[4 * x + 2];
                    pixels[y * width + x] = (byte)Math.Clamp(Math.Round(luma), 0, 255);
                }
            }
        }
        return pixels;
    }

    private static SKImageInfo CheckSize(string path, SKImageInfo size)
    {
        if (size.Width <= 0 || size.Height <= 0)
            throw new DatasetException($"{path}: image has no pixels ({size.Width}x{size.Height}), {Expected}");
        if ((long)size.Width * size.Height > GrayscaleImage.MaxPixels)
            throw new DatasetException($"{path}: image declares {size.Width}x{size.Height} = {(long)size.Width * size.Height} pixels, more than the {GrayscaleImage.MaxPixels} allowed; scale it down first");
        return size;
    }
}
