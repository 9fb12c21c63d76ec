using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class MnistDatasetTests
{
    [Fact]
    public void BuiltInTrain_Has8000ImagesWithPublishedClassCounts()
    {
        MnistDataset train = BuiltInMnist.Train;
        Assert.Equal(8000, train.Count);
        Assert.Equal(8000, train.GetDatasetSize());
        Assert.Equal(28, train.ImageHeight);
        Assert.Equal(28, train.ImageWidth);
        Assert.Equal(9, train.MaxLabel);
        Assert.Equal("built-in mnist-10k", train.Source);
        Assert.Equal("train", train.Usage);
        Assert.Null(train.Upstream);

        var counts = new int[10];
        foreach (byte label in train.LabelBytes.Span)
        {
            counts[label]++;
        }
        Assert.Equal([801, 902, 793, 826, 784, 690, 811, 856, 755, 782], counts);
    }

    [Fact]
    public void BuiltInTest_Has2000Images()
    {
        MnistDataset test = BuiltInMnist.Test;
        Assert.Equal(2000, test.Count);
        Assert.Equal(2000 * 28 * 28, test.ImageBytes.Length);
        Assert.Equal(9, test.MaxLabel);
    }

    [Fact]
    public void Rows_AreHwcUInt8ImagesAndScalarLabels()
    {
        MnistDataset test = BuiltInMnist.Test;
        Assert.Equal(["image", "label"], test.ColumnNames);
        HostTensor[][] rows = test.CreateTupleIterator(0).Take(3).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            HostTensor image = rows[i][0];
            HostTensor label = rows[i][1];
            Assert.Equal(DType.UInt8, image.DType);
            Assert.Equal([28, 28, 1], image.Shape);
            Assert.Equal(test.ImageBytes.Slice(i * 784, 784).ToArray(), image.AsUInt8());
            Assert.Equal(DType.UInt8, label.DType);
            Assert.Empty(label.Shape);
            Assert.Equal(test.LabelBytes.Span[i], label.AsUInt8()[0]);
        }
        Assert.Equal(rows[2][0].AsUInt8(), test.GetRow(2, epoch: 5)[0].AsUInt8());
        Assert.Throws<ArgumentOutOfRangeException>(() => test.GetRow(2000, 0));
    }

    [Theory]
    [InlineData("train", "train-images-idx3-ubyte", "train-labels-idx1-ubyte")]
    [InlineData("test", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
    [InlineData("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")]
    [InlineData("train", "train-images.idx3-ubyte", "train-labels.idx1-ubyte")]
    [InlineData("test", "t10k-images.idx3-ubyte.gz", "t10k-labels-idx1-ubyte")]
    public void Directory_AcceptsEveryFileSpelling(string usage, string imagesName, string labelsName)
    {
        using var dir = new TempDirectory();
        byte[] images = IdxTestData.Images(4, seed: 3);
        dir.Write(imagesName, imagesName.EndsWith(".gz") ? IdxTestData.Gzip(images) : images);
        dir.Write(labelsName, IdxTestData.Labels(4));

        var dataset = new MnistDataset(dir.Path, usage);

        Assert.Equal(4, dataset.Count);
        Assert.Equal(3, dataset.MaxLabel);
        Assert.Equal(Path.GetFullPath(dir.Path), dataset.Source);
        Assert.Equal(images.AsSpan(16).ToArray(), dataset.ImageBytes.ToArray());
    }

    [Fact]
    public void Directory_PrefersRawFileOverGzip()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxTestData.Images(2, seed: 1));
        dir.Write("train-images-idx3-ubyte.gz", IdxTestData.Gzip(IdxTestData.Images(3, seed: 2)));
        dir.Write("train-labels-idx1-ubyte", IdxTestData.Labels(2));

        Assert.Equal(2, new MnistDataset(dir.Path, "train").Count);
    }

    [Fact]
    public void CountMismatch_NamesBothFiles()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte.gz", IdxTestData.Gzip(IdxTestData.Images(3)));
        dir.Write("train-labels-idx1-ubyte.gz", IdxTestData.Gzip(IdxTestData.Labels(2)));
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(dir.Path, "train"));
        Assert.Equal("train-images-idx3-ubyte.gz has 3 images but train-labels-idx1-ubyte.gz has 2 labels", error.Message);
    }

    [Fact]
    public void WrongImageSize_IsRejected()
    {
        using var dir = new TempDirectory();
        dir.Write("t10k-images-idx3-ubyte", IdxTestData.Images(2, rows: 32, cols: 30));
        dir.Write("t10k-labels-idx1-ubyte", IdxTestData.Labels(2));
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(dir.Path, "test"));
        Assert.Equal("t10k-images-idx3-ubyte: expected 28x28 images, found 32x30", error.Message);
    }

    [Fact]
    public void LabelsSwappedWithImages_FailOnMagic()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxTestData.Images(2));
        dir.Write("train-labels-idx1-ubyte.gz", IdxTestData.Gzip(IdxTestData.Images(2)));
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(dir.Path, "train"));
        Assert.Equal("train-labels-idx1-ubyte.gz: bad magic number 0x00000803, expected 0x00000801 (IDX label file)", error.Message);
    }

    [Fact]
    public void MissingFile_NamesDirectoryAndBothSpellings()
    {
        using var dir = new TempDirectory();
        dir.Write("train-labels-idx1-ubyte", IdxTestData.Labels(2));
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(dir.Path, "train"));
        Assert.Equal($"data directory '{dir.Path}' has no train-images-idx3-ubyte or train-images-idx3-ubyte.gz", error.Message);
    }

    [Fact]
    public void MissingDirectory_IsReportedWithFullPath()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "absent");
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(missing, "test"));
        Assert.Equal($"data directory '{missing}' does not exist", error.Message);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("Train")]
    [InlineData("all")]
    [InlineData("")]
    public void BadUsage_IsRejected(string usage)
    {
        var error = Assert.Throws<DatasetException>(() => new MnistDataset(null, usage));
        Assert.Equal($"usage must be 'train' or 'test', got '{usage}'", error.Message);
    }
}
