using System.Buffers.Binary;
using System.IO.Compression;

namespace Trainer.Cli.Tests;

/// <summary>Writes small MNIST-format IDX files for `train --data`.</summary>
public static class MnistFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static byte[] Images(int count, int seed, int rows = 28, int cols = 28)
    {
        var rng = new Random(seed);
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        rng.NextBytes(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] Labels(int count, int seed, int classes = 10)
    {
        var rng = new Random(seed);
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++) bytes[8 + i] = (byte)rng.Next(classes);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(raw);
        return memory.ToArray();
    }

    /// <summary>Writes all four files: <paramref name="train"/> and <paramref name="test"/> random images with random labels 0..9.</summary>
    public static void WriteAll(string directory, int train, int test, bool gzip = false)
    {
        void Write(string name, byte[] raw)
        {
            if (gzip) File.WriteAllBytes(Path.Combine(directory, name + ".gz"), Gzip(raw));
            else File.WriteAllBytes(Path.Combine(directory, name), raw);
        }
        Write(TrainImages, Images(train, 1));
        Write(TrainLabels, Labels(train, 2));
        Write(TestImages, Images(test, 3));
        Write(TestLabels, Labels(test, 4));
    }
}
