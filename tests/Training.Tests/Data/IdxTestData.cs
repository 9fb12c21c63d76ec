using System.Buffers.Binary;
using System.IO.Compression;

namespace Trainer.Training.Tests.Data;

/// <summary>Builds IDX file contents for tests.</summary>
internal static class IdxTestData
{
    public const int LabelMagic = 0x00000801;
    public const int ImageMagic = 0x00000803;

    /// <summary>Header (magic and big-endian dimensions) followed by <paramref name="data"/>.</summary>
    public static byte[] Build(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    /// <summary>A well-formed image file of <paramref name="count"/> pseudo-random images.</summary>
    public static byte[] Images(int count, int rows = 28, int cols = 28, int seed = 1) =>
        Build(ImageMagic, [count, rows, cols], RandomBytes(count * rows * cols, seed));

    /// <summary>A well-formed label file with labels <c>i % 10</c>.</summary>
    public static byte[] Labels(int count) =>
        Build(LabelMagic, [count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());

    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }
        return output.ToArray();
    }
}
