using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class CifarDatasetTests
{
    private static void AssertImage(int image, HostTensor tensor)
    {
        Assert.Equal(DType.UInt8, tensor.DType);
        Assert.Equal([32, 32, 3], tensor.Shape);
        byte[] hwc = tensor.AsUInt8();
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(CifarFiles.Pixel(image, c, y, x), hwc[(y * 32 + x) * 3 + c]);
    }

    [Fact]
    public void Cifar10_rows_are_hwc_images_with_their_labels_across_all_batch_files()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar10(dir.Path, perBatch: 7, test: 3);

        using var train = new Cifar10Dataset(dir.Path, "train");
        using var test = new Cifar10Dataset(dir.Path, "test");
        using var all = new Cifar10Dataset(dir.Path, "all");
        Assert.Equal(35, train.GetDatasetSize());
        Assert.Equal(3, test.Count);
        Assert.Equal(38, all.Count);
        Assert.Equal(["image", "label"], train.ColumnNames);
        Assert.True(train.IsRandomAccess);
        Assert.Equal(10, train.ClassCount);
        Assert.Equal(5, train.Files.Count);
        Assert.Equal(6, all.Files.Count);
        int i = 0;
        foreach (HostTensor[] row in all.Rows(0))
        {
            AssertImage(i, row[0]);
            Assert.Equal([], row[1].Shape);
            Assert.Equal((byte)(i % 10), row[1].AsUInt8()[0]);
            i++;
        }
        Assert.Equal(38, i);
        AssertImage(35, test.GetRow(0, 0)[0]);
        AssertImage(14, train.GetRow(14, 3)[0]); // first record of data_batch_3
        AssertImage(13, train.GetRow(13, 0)[0]); // last record of data_batch_2
    }

    [Fact]
    public void Cifar10_shuffles_by_random_access_and_reads_from_many_threads()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar10(dir.Path, perBatch: 13, test: 1);
        using var train = new Cifar10Dataset(dir.Path, "train");
        int[] order = ShuffleDataset.Permutation(65, 7, 1);
        HostTensor[][] shuffled = train.Shuffle(7).Rows(1).ToArray();
        var parallel = new HostTensor[65][];
        Parallel.For(0, 65, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k => parallel[k] = train.GetRow(order[k], 1));
        for (int k = 0; k < 65; k++)
        {
            AssertImage(order[k], shuffled[k][0]);
            Assert.Equal(shuffled[k][0].AsUInt8(), parallel[k][0].AsUInt8());
        }
    }

    [Fact]
    public void Cifar10_in_the_archive_folder_is_found_from_its_parent()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar10(Path.Combine(dir.Path, "cifar-10-batches-bin"), perBatch: 1, test: 1);
        using var test = new Cifar10Dataset(dir.Path, "test");
        Assert.Equal(Path.Combine(dir.Path, "cifar-10-batches-bin"), test.Directory);
        AssertImage(5, test.GetRow(0, 0)[0]);
    }

    [Fact]
    public void A_truncated_cifar10_file_is_one_line_naming_the_file_its_length_and_the_record_size()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar10(dir.Path, perBatch: 2, test: 2);
        string path = Path.Combine(dir.Path, "data_batch_4.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..(3073 + 1000)]);

        var e = Assert.Throws<DatasetException>(() => new Cifar10Dataset(dir.Path, "train"));
        Assert.Equal($"{path}: 4073 bytes is not a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel bytes); 1 records and 1000 bytes over, truncated or not CIFAR-10", e.Message);
        using var test = new Cifar10Dataset(dir.Path, "test"); // the test split does not read it
        Assert.Equal(2, test.Count);
    }

    [Fact]
    public void Cifar10_errors_name_what_is_missing_or_wrong()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar10(dir.Path, perBatch: 1, test: 1);
        File.Delete(Path.Combine(dir.Path, "data_batch_5.bin"));
        Assert.StartsWith($"CIFAR-10 directory '{dir.Path}' has no data_batch_5.bin", Assert.Throws<DatasetException>(() => new Cifar10Dataset(dir.Path, "train")).Message);
        Assert.Equal("CIFAR-10: usage must be 'train', 'test' or 'all', got 'valid'", Assert.Throws<DatasetException>(() => new Cifar10Dataset(dir.Path, "valid")).Message);
        string empty = Path.Combine(dir.Path, "test_batch.bin");
        File.WriteAllBytes(empty, []);
        Assert.StartsWith($"{empty}: empty file", Assert.Throws<DatasetException>(() => new Cifar10Dataset(dir.Path, "test")).Message);
        File.WriteAllBytes(empty, CifarFiles.Record(0, 10));
        using var badLabel = new Cifar10Dataset(dir.Path, "test");
        Assert.Equal($"{empty}: record 0 has label 10, expected 0 to 9; not a CIFAR-10 file?", Assert.Throws<DatasetException>(() => badLabel.GetRow(0, 0)).Message);
    }

    [Fact]
    public void Cifar100_yields_the_fine_or_the_coarse_label()
    {
        using var dir = new TempDirectory();
        CifarFiles.WriteCifar100(dir.Path, train: 7, test: 3);
        using var fine = new Cifar100Dataset(dir.Path, "train");
        using var coarse = new Cifar100Dataset(dir.Path, "all", coarse: true);
        Assert.Equal(7, fine.Count);
        Assert.Equal(10, coarse.Count);
        Assert.Equal(100, fine.ClassCount);
        Assert.Equal(20, coarse.ClassCount);
        for (int i = 0; i < 10; i++)
        {
            HostTensor[] row = coarse.GetRow(i, 0);
            AssertImage(i, row[0]);
            Assert.Equal((byte)(i % 20), row[1].AsUInt8()[0]);
            if (i < 7) Assert.Equal((byte)(i * 7 % 100), fine.GetRow(i, 0)[1].AsUInt8()[0]);
        }
        string path = Path.Combine(dir.Path, "test.bin");
        File.WriteAllBytes(path, new byte[3074 * 2 + 5]);
        Assert.StartsWith($"{path}: 6153 bytes is not a whole number of 3074-byte CIFAR-100 records (2 label bytes + 3072 pixel bytes)", Assert.Throws<DatasetException>(() => new Cifar100Dataset(dir.Path, "test")).Message);
    }
}
