using SkiaSharp;

namespace Trainer.Training.Tests.Data;

/// <summary>Writes PNG images into a class-folder tree for image-folder tests; pixel values are a known function of (image, y, x, channel).</summary>
internal static class ImageFolderTree
{
    public static byte Value(int image, int y, int x, int c) => (byte)((image * 37 + y * 11 + x * 5 + c * 71) % 256);

    /// <summary>Writes an opaque RGB PNG of image <paramref name="image"/>'s pattern.</summary>
    public static string WriteRgb(string directory, string name, int image, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor(Value(image, y, x, 0), Value(image, y, x, 1), Value(image, y, x, 2)));
        return Write(directory, name, bitmap);
    }

    /// <summary>Writes an 8-bit gray PNG whose value is channel 0 of image <paramref name="image"/>'s pattern.</summary>
    public static string WriteGray(string directory, string name, int image, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = Value(image, y, x, 0);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        return Write(directory, name, bitmap);
    }

    private static string Write(string directory, string name, SKBitmap bitmap)
    {
        Directory.CreateDirectory(directory);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
