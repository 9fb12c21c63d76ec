using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class DataFormatTests
{
    [Fact]
    public void Idx_files_plain_or_gzipped_are_counted_from_their_headers()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxTestData.Build(IdxReader.ImageMagic, [7, 28, 28], new byte[7 * 784]));
        dir.Write("train-labels-idx1-ubyte", IdxTestData.Labels(7));
        dir.Write("t10k-images-idx3-ubyte.gz", IdxTestData.Gzip(IdxTestData.Build(IdxReader.ImageMagic, [3, 28, 28], new byte[3 * 784])));
        dir.Write("t10k-labels-idx1-ubyte.gz", IdxTestData.Gzip(IdxTestData.Labels(3)));
        DataFormat format = DataFormat.Detect(dir.Path);
        Assert.Equal(DataFormatKind.Idx, format.Kind);
        Assert.Equal("found MNIST IDX files: 7 train / 3 test images, 28x28 gray", format.Description);
        Assert.Equal((7, 3), (format.TrainCount, format.TestCount));
    }

    [Fact]
    public void Cifar10_and_cifar100_are_recognised_with_their_counts()
    {
        using var dir = new TempDirectory();
        string ten = Path.Combine(dir.Path, "ten");
        CifarFiles.WriteCifar10(Path.Combine(ten, "cifar-10-batches-bin"), perBatch: 2, test: 3);
        DataFormat format = DataFormat.Detect(ten);
        Assert.Equal(DataFormatKind.Cifar10, format.Kind);
        Assert.Equal("found CIFAR-10 binary: 10 train / 3 test images, 10 classes", format.Description);
        Assert.Equal(Path.Combine(ten, "cifar-10-batches-bin"), format.Path);

        string hundred = Path.Combine(dir.Path, "hundred");
        CifarFiles.WriteCifar100(hundred, train: 4, test: 1);
        format = DataFormat.Detect(hundred);
        Assert.Equal(DataFormatKind.Cifar100, format.Kind);
        Assert.Equal("found CIFAR-100 binary: 4 train / 1 test images, 100 fine (20 coarse) classes", format.Description);

        File.WriteAllBytes(Path.Combine(hundred, "test.bin"), new byte[10]);
        Assert.Contains("10 bytes is not a whole number of 3074-byte CIFAR-100 records", Assert.Throws<DatasetException>(() => DataFormat.Detect(hundred)).Message);
    }

    [Fact]
    public void Image_folders_with_train_and_test_splits_are_recognised_and_must_share_classes()
    {
        using var dir = new TempDirectory();
        foreach (var (split, count) in new[] { ("train", 3), ("test", 1) })
            foreach (string cls in new[] { "a", "b" })
                for (int i = 0; i < count; i++) ImageFolderTree.WriteRgb(Path.Combine(dir.Path, split, cls), $"{i}.png", i, 2, 2);
        DataFormat format = DataFormat.Detect(dir.Path);
        Assert.Equal(DataFormatKind.ImageFolder, format.Kind);
        Assert.Equal("found image folders: 6 train / 2 test images, 2 classes", format.Description);
        Assert.Equal(2, format.ClassCount);

        ImageFolderTree.WriteRgb(Path.Combine(dir.Path, "test", "c"), "0.png", 0, 2, 2);
        Assert.Equal($"image folders '{dir.Path}': train and test must have the same class folders, or labels would differ; only in train: none; only in test: 'c'",
            Assert.Throws<DatasetException>(() => DataFormat.Detect(dir.Path)).Message);
    }

    [Fact]
    public void A_csv_file_is_recognised_and_anything_else_says_what_was_looked_for()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("iris.CSV", "a,b,label\n1,2,0\n\n3,4,1\n"u8.ToArray());
        DataFormat format = DataFormat.Detect(csv);
        Assert.Equal(DataFormatKind.Csv, format.Kind);
        Assert.Equal("found CSV: 2 rows, 3 columns", format.Description);

        string other = Path.Combine(dir.Path, "nothing");
        Directory.CreateDirectory(other);
        var e = Assert.Throws<DatasetException>(() => DataFormat.Detect(other));
        Assert.StartsWith($"{other}: not a data set I recognise; looked for MNIST IDX files", e.Message);
        Assert.Contains("CIFAR-10 binary (data_batch_1..5.bin, test_batch.bin)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"{Path.Combine(dir.Path, "x.txt")}: does not exist;", Assert.Throws<DatasetException>(() => DataFormat.Detect(Path.Combine(dir.Path, "x.txt"))).Message);
    }
}
