using SkiaSharp;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class GrayscaleImageTests
{
    /// <summary>Encodes <paramref name="bitmap"/> as PNG into the directory and returns the path.</summary>
    private static string WritePng(TempDirectory dir, string name, SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return dir.Write(name, data.ToArray());
    }

    private static SKBitmap Gray(int height, int width, Func<int, int, byte> value)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor(value(y, x), value(y, x), value(y, x)));
        return bitmap;
    }

    private static byte Pattern(int y, int x) => (byte)((y * 28 + x) * 7 % 256);

    [Fact]
    public void Gray_png_of_the_target_size_decodes_back_exactly()
    {
        using var dir = new TempDirectory();
        using var bitmap = Gray(28, 28, Pattern);
        string path = WritePng(dir, "digit.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path);

        var expected = new byte[28 * 28];
        for (int i = 0; i < expected.Length; i++) expected[i] = Pattern(i / 28, i % 28);
        Assert.Equal(expected, pixels);
    }

    [Fact]
    public void Rgb_pixels_become_luma_within_one()
    {
        using var dir = new TempDirectory();
        var colours = new[] { SKColors.Red, SKColors.Lime, SKColors.Blue, new SKColor(200, 100, 50), new SKColor(13, 250, 77), SKColors.White };
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                bitmap.SetPixel(x, y, colours[(y + x) % colours.Length]);
        string path = WritePng(dir, "colour.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path);

        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                var c = colours[(y + x) % colours.Length];
                double luma = 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;
                Assert.InRange(pixels[y * 28 + x], luma - 1, luma + 1);
            }
    }

    [Fact]
    public void Transparent_pixels_are_composited_over_black()
    {
        using var dir = new TempDirectory();
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                bitmap.SetPixel(x, y, x < 14 ? new SKColor(255, 255, 255, 0) : new SKColor(255, 255, 255, 128));
        string path = WritePng(dir, "alpha.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path);

        Assert.Equal(0, pixels[0]);
        Assert.InRange(pixels[27], 127, 129);
    }

    [Fact]
    public void Uniform_56x56_shrinks_to_28x28_of_the_same_value()
    {
        using var dir = new TempDirectory();
        using var bitmap = Gray(56, 56, (_, _) => 173);
        string path = WritePng(dir, "big.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path);

        Assert.Equal(28 * 28, pixels.Length);
        Assert.All(pixels, p => Assert.Equal(173, p));
    }

    [Fact]
    public void Small_image_is_enlarged_and_keeps_its_layout()
    {
        using var dir = new TempDirectory();
        // A white left half (columns 0..2) and a black right half (columns 4..6), gray in the middle.
        using var bitmap = Gray(7, 7, (_, x) => x < 3 ? (byte)255 : x > 3 ? (byte)0 : (byte)128);
        string path = WritePng(dir, "small.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path, height: 28, width: 28);

        Assert.Equal(28 * 28, pixels.Length);
        for (int y = 0; y < 28; y++)
        {
            Assert.Equal(255, pixels[y * 28 + 0]);
            Assert.Equal(0, pixels[y * 28 + 27]);
            Assert.True(pixels[y * 28 + 4] > 200, $"row {y}: left side {pixels[y * 28 + 4]}");
            Assert.True(pixels[y * 28 + 23] < 55, $"row {y}: right side {pixels[y * 28 + 23]}");
        }
    }

    [Fact]
    public void Other_target_sizes_are_honoured()
    {
        using var dir = new TempDirectory();
        using var bitmap = Gray(28, 28, (_, _) => 90);
        string path = WritePng(dir, "digit.png", bitmap);

        byte[] pixels = GrayscaleImage.Load(path, height: 10, width: 20);

        Assert.Equal(200, pixels.Length);
        Assert.All(pixels, p => Assert.Equal(90, p));
        Assert.Throws<ArgumentOutOfRangeException>(() => GrayscaleImage.Load(path, height: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GrayscaleImage.Load(path, width: -1));
    }

    [Fact]
    public void Garbage_bytes_give_one_line_naming_the_file()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.png", "this is not a PNG at all"u8.ToArray());

        var e = Assert.Throws<DatasetException>(() => GrayscaleImage.Load(path));

        Assert.Equal($"{path}: not an image SkiaSharp can decode (expected PNG, JPEG, BMP...)", e.Message);
    }

    [Fact]
    public void Truncated_png_is_an_error()
    {
        using var dir = new TempDirectory();
        using var bitmap = Gray(28, 28, Pattern);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        byte[] bytes = data.ToArray();
        string path = dir.Write("cut.png", bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DatasetException>(() => GrayscaleImage.Load(path));

        Assert.StartsWith($"{path}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Empty_file_gives_one_line_naming_the_file()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("empty.png", []);

        var e = Assert.Throws<DatasetException>(() => GrayscaleImage.Load(path));

        Assert.Equal($"{path}: empty file, not an image (expected PNG, JPEG, BMP...)", e.Message);
    }

    [Fact]
    public void Directory_gives_one_line_naming_it()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<DatasetException>(() => GrayscaleImage.Load(dir.Path));

        Assert.Equal($"{dir.Path}: is a directory, not an image file (expected PNG, JPEG, BMP...)", e.Message);
    }

    [Fact]
    public void Missing_file_gives_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "nope.png");

        var e = Assert.Throws<DatasetException>(() => GrayscaleImage.Load(path));

        Assert.Equal($"{path}: no such file (expected PNG, JPEG, BMP...)", e.Message);
    }
}
