using System.Buffers.Binary;
using SkiaSharp;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

/// <summary>
/// Files whose headers claim far more than they hold (an image of 20000x20000 pixels in a few bytes, an IDX file of
/// 2^31 bytes in 100) are refused from the header, before memory is spent on the claim.
/// </summary>
public sealed class ClaimedSizeTests
{
    /// <summary>Runs <paramref name="read"/>, expecting a <see cref="DatasetException"/>; returns it and the managed bytes this thread allocated meanwhile.</summary>
    private static (DatasetException Error, long Allocated) Refused(Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetException>(read);
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_raw_idx_file_claiming_more_images_than_it_holds()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("train-images-idx3-ubyte", IdxTestData.Build(IdxTestData.ImageMagic, [60000, 28, 28], new byte[100]));
        var (e, allocated) = Refused(() => IdxReader.Read(path, IdxReader.ImageMagic));
        Assert.Equal("train-images-idx3-ubyte: truncated: expected 47040000 bytes of image data after the header, found 100", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_gzipped_idx_file_claiming_two_gigabytes()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("t.gz", IdxTestData.Gzip(IdxTestData.Build(IdxTestData.ImageMagic, [2_700_000, 28, 28], new byte[5000])));
        var (e, allocated) = Refused(() => IdxReader.Read(path, IdxReader.ImageMagic));
        Assert.Equal("t.gz: truncated: expected 2116800000 bytes of image data after the header, found 5000", e.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_gzipped_idx_file_with_a_flood_after_its_data_is_not_counted_to_the_end()
    {
        using var dir = new TempDirectory();
        var raw = IdxTestData.Build(IdxTestData.LabelMagic, [10], new byte[10 + (64 << 20)]); // 64 MiB of zeros compress to ~64 KB
        string path = dir.Write("l.gz", IdxTestData.Gzip(raw));
        var (e, _) = Refused(() => IdxReader.Read(path, IdxReader.LabelMagic));
        Assert.Equal("l.gz: expected 10 bytes of label data after the header, found more than 1048576 extra bytes after the data", e.Message);
    }

    [Fact]
    public void A_gzipped_idx_file_that_holds_what_it_claims_still_reads()
    {
        using var dir = new TempDirectory();
        var images = IdxTestData.Images(1500, seed: 4); // 1.2 MB: more than the first read buffer
        string path = dir.Write("i.gz", IdxTestData.Gzip(images));
        Assert.Equal(images.AsSpan(16).ToArray(), IdxReader.Read(path, IdxReader.ImageMagic).Data);
    }

    /// <summary>A real 1x1 PNG whose header is rewritten to claim <paramref name="width"/> x <paramref name="height"/> (with a correct CRC).</summary>
    private static byte[] PngClaiming(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(1, 1, SKColorType.Gray8, SKAlphaType.Opaque));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        byte[] png = data.ToArray();
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, then the chunk's CRC.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A BMP header (no pixel data) claiming <paramref name="width"/> x <paramref name="height"/> at 24 bits.</summary>
    [Theory]
    [InlineData("png", 20000, 20000)]
    [InlineData("png", 8000, 6251)]       // 50,008,000: just over the budget
    [InlineData("png", 60000, 1000)]      // a wide strip counts by its area too
    [InlineData("bmp", 30000, 30000)]
    public void An_image_declaring_more_pixels_than_the_budget(string format, int width, int height)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("huge." + format, format == "png" ? PngClaiming(width, height) : ClaimedImage.Bmp(width, height));
        var (e, _) = Refused(() => GrayscaleImage.Load(path));
        Assert.Equal($"{path}: image declares {width}x{height} = {(long)width * height} pixels, more than the {GrayscaleImage.MaxPixels} allowed; scale it down first", e.Message);
    }

    [Fact]
    public void A_small_image_with_a_patched_header_still_decodes_at_its_real_size()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("one.png", PngClaiming(1, 1)); // the CRC helper itself: an unchanged header must still load
        Assert.Equal(28 * 28, GrayscaleImage.Load(path).Length);
    }
}
