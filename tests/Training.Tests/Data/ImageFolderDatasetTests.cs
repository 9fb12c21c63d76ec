using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class ImageFolderDatasetTests
{
    /// <summary>cat: RGB images 0, 1 (the second in a subfolder); Dog: gray images 2, 3, 4; plus files and folders that are not images or classes.</summary>
    private static string MakeTree(TempDirectory dir)
    {
        string root = Path.Combine(dir.Path, "pets");
        ImageFolderTree.WriteRgb(Path.Combine(root, "cat"), "a.png", 0, 5, 7);
        ImageFolderTree.WriteRgb(Path.Combine(root, "cat", "more"), "b.PNG", 1, 5, 7);
        for (int i = 2; i <= 4; i++) ImageFolderTree.WriteGray(Path.Combine(root, "Dog"), $"{i}.png", i, 5, 7);
        File.WriteAllText(Path.Combine(root, "cat", "notes.txt"), "not an image, and not named like one");
        ImageFolderTree.WriteRgb(Path.Combine(root, ".cache"), "x.png", 9, 5, 7);
        ImageFolderTree.WriteRgb(Path.Combine(root, "cat", ".thumbs"), "y.png", 9, 5, 7);
        return root;
    }

    [Fact]
    public void Classes_are_sorted_ordinally_and_rows_decode_to_exact_rgb_or_gray()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        var rgb = new ImageFolderDataset(root);
        var gray = new ImageFolderDataset(root, channels: 1);

        Assert.Equal(["Dog", "cat"], rgb.ClassNames); // ordinal: upper case first
        Assert.Equal(0, rgb.ClassIndexing["Dog"]);
        Assert.Equal(1, rgb.ClassIndexing["cat"]);
        Assert.Equal(5, rgb.Count);
        Assert.Equal(5, rgb.ImageHeight);
        Assert.Equal(7, rgb.ImageWidth);
        int[] images = [2, 3, 4, 0, 1];
        for (int row = 0; row < 5; row++)
        {
            int image = images[row];
            bool isGray = image >= 2;
            HostTensor[] r = rgb.GetRow(row, 0);
            Assert.Equal(DType.Int32, r[1].DType);
            Assert.Equal(isGray ? 0 : 1, r[1].AsInt32()[0]);
            Assert.Equal([5, 7, 3], r[0].Shape);
            byte[] g = gray.GetRow(row, 0)[0].AsUInt8();
            Assert.Equal([5, 7, 1], gray.GetRow(row, 0)[0].Shape);
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 7; x++)
                {
                    int[] rgbValue = Enumerable.Range(0, 3).Select(c => (int)ImageFolderTree.Value(image, y, x, isGray ? 0 : c)).ToArray();
                    for (int c = 0; c < 3; c++) Assert.Equal(rgbValue[c], r[0].AsUInt8()[(y * 7 + x) * 3 + c]);
                    int luma = (int)Math.Round(0.299 * rgbValue[0] + 0.587 * rgbValue[1] + 0.114 * rgbValue[2]);
                    Assert.Equal(luma, g[y * 7 + x]);
                }
        }
    }

    [Fact]
    public void Resize_on_decode_is_the_bilinear_resize_of_the_decoded_image_and_rows_decode_on_any_thread()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        var full = new ImageFolderDataset(root);
        var small = new ImageFolderDataset(root, height: 3, width: 4);
        Assert.Equal(3, small.ImageHeight);
        var rows = new HostTensor[5][];
        Parallel.For(0, 5, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i => rows[i] = small.GetRow(i, 0));
        for (int i = 0; i < 5; i++)
            Assert.Equal(new Resize(3, 4).Apply(full.GetRow(i, 0)[0]).AsUInt8(), rows[i][0].AsUInt8());
        HostTensor[] batch = small.Batch(5).Rows(0).Single();
        Assert.Equal([5, 3, 4, 3], batch[0].Shape);
    }

    [Fact]
    public void An_undecodable_image_among_good_ones_is_named_or_skipped_and_counted()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        string bad = Path.Combine(root, "cat", "broken.jpg");
        File.WriteAllText(bad, "this is text, not a JPEG");

        var e = Assert.Throws<DatasetException>(() => new ImageFolderDataset(root));
        Assert.Equal($"{bad}: not an image SkiaSharp can decode (expected PNG, JPEG, BMP...) (one of 6 images in '{root}'; skipBadImages leaves such files out)", e.Message);

        var skipping = new ImageFolderDataset(root, skipBadImages: true);
        Assert.Equal(1, skipping.SkippedImages);
        Assert.Equal([bad], skipping.SkippedFiles);
        Assert.Equal(5, skipping.Count);
        Assert.DoesNotContain(bad, skipping.Files);
    }

    [Fact]
    public void An_image_larger_than_the_probe_is_checked_from_its_head_and_decoded_whole()
    {
        using var dir = new TempDirectory();
        var random = new SeededRandom(3);
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(300, 200, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        var pixels = new byte[300 * 200 * 4];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i % 4 == 3 ? (byte)255 : (byte)random.NextInt(256); // noise: no compression
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.Combine(dir.Path, "noise"));
        string path = Path.Combine(dir.Path, "noise", "big.png");
        File.WriteAllBytes(path, png.ToArray());
        Assert.True(new FileInfo(path).Length > 64 * 1024);

        var data = new ImageFolderDataset(dir.Path);
        Assert.Equal((200, 300), (data.ImageHeight, data.ImageWidth));
        byte[] rgb = data.GetRow(0, 0)[0].AsUInt8();
        for (int p = 0; p < 300 * 200; p++)
            for (int c = 0; c < 3; c++) Assert.Equal(pixels[4 * p + c], rgb[3 * p + c]);

        File.WriteAllBytes(path, [.. png.ToArray()[..16], .. new byte[100_000]]); // a PNG signature, then no header
        Assert.StartsWith($"{path}: not an image SkiaSharp can decode", Assert.Throws<DatasetException>(() => new ImageFolderDataset(dir.Path)).Message);
    }

    [Fact]
    public void Images_of_different_sizes_have_no_common_size()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        ImageFolderTree.WriteRgb(Path.Combine(root, "cat"), "big.png", 7, 6, 7);
        var data = new ImageFolderDataset(root);
        Assert.Null(data.ImageHeight);
        Assert.Null(data.ImageWidth);
    }

    [Fact]
    public void Empty_trees_and_classes_are_one_line_errors()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        Directory.CreateDirectory(Path.Combine(root, "emu"));
        File.WriteAllText(Path.Combine(root, "emu", "readme.md"), "no pictures yet");
        var e = Assert.Throws<DatasetException>(() => new ImageFolderDataset(root));
        Assert.StartsWith($"image folder '{root}': class 'emu' has no images (.png, .jpg, .jpeg, .bmp, .gif, .webp) in {Path.Combine(root, "emu")}", e.Message);

        string empty = Path.Combine(dir.Path, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "loose.png"), "x");
        Assert.StartsWith($"image folder '{empty}': no class folders, expected {empty}/<class>/*.png", Assert.Throws<DatasetException>(() => new ImageFolderDataset(empty)).Message);

        string onlyBad = Path.Combine(dir.Path, "bad");
        Directory.CreateDirectory(Path.Combine(onlyBad, "a"));
        File.WriteAllText(Path.Combine(onlyBad, "a", "x.png"), "x");
        Assert.Equal($"image folder '{onlyBad}': class 'a' has no image that can be decoded (all were skipped as bad)",
            Assert.Throws<DatasetException>(() => new ImageFolderDataset(onlyBad, skipBadImages: true)).Message);
        Assert.Equal("ImageFolder: channels must be 1 (gray) or 3 (RGB), got 4", Assert.Throws<DatasetException>(() => new ImageFolderDataset(root, channels: 4)).Message);
        Assert.Equal("ImageFolder: give both a height and a width to resize to, or neither", Assert.Throws<DatasetException>(() => new ImageFolderDataset(root, height: 4)).Message);
    }

    [Fact]
    public void A_truncated_png_is_found_when_its_row_is_decoded_and_named()
    {
        using var dir = new TempDirectory();
        string root = MakeTree(dir);
        string path = ImageFolderTree.WriteGray(Path.Combine(root, "Dog"), "0.png", 5, 64, 64);
        byte[] png = File.ReadAllBytes(path);
        File.WriteAllBytes(path, png[..(png.Length * 3 / 5)]); // the header is whole, the pixel data is cut
        var data = new ImageFolderDataset(root, channels: 1);
        var e = Assert.Throws<DatasetException>(() => data.GetRow(0, 0));
        Assert.StartsWith($"{path}: image data is truncated", e.Message);
    }

    /// <summary>Gray when the first image of every class is stored gray; one colour class first image makes it RGB; an unreadable first image is passed over.</summary>
    [Fact]
    public void DetectChannels_is_gray_only_when_every_class_starts_with_a_gray_image()
    {
        using var dir = new TempDirectory();
        string gray = Path.Combine(dir.Path, "gray");
        ImageFolderTree.WriteGray(Path.Combine(gray, "a"), "0.png", 0, 4, 4);
        ImageFolderTree.WriteGray(Path.Combine(gray, "b"), "0.png", 1, 4, 4);
        File.WriteAllBytes(Path.Combine(gray, "b", "-broken.png"), [1, 2, 3]);
        Assert.Equal(1, ImageFolderDataset.DetectChannels(gray));

        ImageFolderTree.WriteRgb(Path.Combine(gray, "c"), "0.png", 2, 4, 4);
        ImageFolderTree.WriteGray(Path.Combine(gray, "c"), "1.png", 3, 4, 4);
        Assert.Equal(3, ImageFolderDataset.DetectChannels(gray));
        Assert.Equal(3, ImageFolderDataset.DetectChannels(MakeTree(dir)));
    }
}
