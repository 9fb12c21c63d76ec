namespace Trainer.Training.Tests.Data;

/// <summary>Writes CIFAR binary files byte by byte as the format defines them, with pixels that say where they came from.</summary>
internal static class CifarFiles
{
    /// <summary>The pixel byte of channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/> of image <paramref name="image"/>.</summary>
    public static byte Pixel(int image, int c, int y, int x) => (byte)((image * 31 + c * 101 + y * 7 + x * 3) % 256);

    /// <summary>One record: the label bytes, then the red, green and blue planes, each row-major.</summary>
    public static byte[] Record(int image, params byte[] labels)
    {
        var record = new byte[labels.Length + 3072];
        labels.CopyTo(record, 0);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    record[labels.Length + c * 1024 + y * 32 + x] = Pixel(image, c, y, x);
        return record;
    }

    /// <summary>Writes CIFAR-10 files into <paramref name="dir"/>: <paramref name="perBatch"/> records in each of data_batch_1..5.bin and <paramref name="test"/> in test_batch.bin; image i has label i % 10.</summary>
    public static void WriteCifar10(string dir, int perBatch, int test)
    {
        Directory.CreateDirectory(dir);
        int image = 0;
        for (int b = 1; b <= 5; b++)
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b}.bin"), Enumerable.Range(0, perBatch).SelectMany(_ => Record(image, (byte)(image++ % 10))).ToArray());
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), Enumerable.Range(0, test).SelectMany(_ => Record(image, (byte)(image++ % 10))).ToArray());
    }

    /// <summary>Writes CIFAR-100 train.bin and test.bin: image i has coarse label i % 20 and fine label (i * 7) % 100.</summary>
    public static void WriteCifar100(string dir, int train, int test)
    {
        Directory.CreateDirectory(dir);
        int image = 0;
        File.WriteAllBytes(Path.Combine(dir, "train.bin"), Enumerable.Range(0, train).SelectMany(_ => { int i = image++; return Record(i, (byte)(i % 20), (byte)(i * 7 % 100)); }).ToArray());
        File.WriteAllBytes(Path.Combine(dir, "test.bin"), Enumerable.Range(0, test).SelectMany(_ => { int i = image++; return Record(i, (byte)(i % 20), (byte)(i * 7 % 100)); }).ToArray());
    }
}
