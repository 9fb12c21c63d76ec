using Trainer.Training.IO;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class IdxReaderTests
{
    [Fact]
    public void RawAndGzip_GiveIdenticalContents()
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxTestData.Images(5, rows: 4, cols: 3, seed: 9);
        string rawPath = dir.Write("images-idx3-ubyte", raw);
        string gzPath = dir.Write("images-idx3-ubyte.gz", IdxTestData.Gzip(raw));

        IdxFile fromRaw = IdxReader.Read(rawPath, IdxReader.ImageMagic);
        IdxFile fromGz = IdxReader.Read(gzPath, IdxReader.ImageMagic);

        Assert.Equal(IdxReader.ImageMagic, fromRaw.Magic);
        Assert.Equal([5, 4, 3], fromRaw.Dimensions);
        Assert.Equal(raw.AsSpan(16).ToArray(), fromRaw.Data);
        Assert.Equal(fromRaw.Magic, fromGz.Magic);
        Assert.Equal(fromRaw.Dimensions, fromGz.Dimensions);
        Assert.Equal(fromRaw.Data, fromGz.Data);
    }

    [Fact]
    public void GzipIsDetectedByContent_NotByExtension()
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxTestData.Labels(25);
        string gzipWithoutSuffix = dir.Write("labels-idx1-ubyte", IdxTestData.Gzip(raw));
        string rawWithGzSuffix = dir.Write("other-labels-idx1-ubyte.gz", raw);

        Assert.Equal(raw.AsSpan(8).ToArray(), IdxReader.Read(gzipWithoutSuffix).Data);
        Assert.Equal(raw.AsSpan(8).ToArray(), IdxReader.Read(rawWithGzSuffix).Data);
    }

    [Fact]
    public void ReadWithoutExpectedMagic_AcceptsAnyUnsignedByteRank()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("matrix", IdxTestData.Build(0x00000802, [2, 3], [1, 2, 3, 4, 5, 6]));
        IdxFile file = IdxReader.Read(path);
        Assert.Equal(0x00000802, file.Magic);
        Assert.Equal([2, 3], file.Dimensions);
        Assert.Equal([1, 2, 3, 4, 5, 6], file.Data);
    }

    [Fact]
    public void ZeroSizedDimension_GivesEmptyData()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("empty", IdxTestData.Build(IdxReader.ImageMagic, [0, 28, 28], []));
        IdxFile file = IdxReader.Read(path, IdxReader.ImageMagic);
        Assert.Equal([0, 28, 28], file.Dimensions);
        Assert.Empty(file.Data);
    }

    [Fact]
    public void NonSeekableStream_IsReadIncludingGzip()
    {
        byte[] raw = IdxTestData.Labels(12);
        using var stream = new ForwardOnlyStream(IdxTestData.Gzip(raw));
        IdxFile file = IdxReader.Read(stream, "piped", IdxReader.LabelMagic);
        Assert.Equal(raw.AsSpan(8).ToArray(), file.Data);
    }

    [Fact]
    public void WrongMagic_NamesFileAndBothNumbers()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("train-labels-idx1-ubyte.gz", IdxTestData.Gzip(IdxTestData.Images(2)));
        var error = Assert.Throws<DatasetException>(() => IdxReader.Read(path, IdxReader.LabelMagic));
        Assert.Equal("train-labels-idx1-ubyte.gz: bad magic number 0x00000803, expected 0x00000801 (IDX label file)", error.Message);
    }

    [Fact]
    public void WrongDimensionCount_IsReportedThroughTheMagicNumber()
    {
        // The low byte of the magic number is the dimension count, so 2-D data offered as images fails here.
        using var dir = new TempDirectory();
        string path = dir.Write("t10k-images-idx3-ubyte", IdxTestData.Build(0x00000802, [28, 28], new byte[784]));
        var error = Assert.Throws<DatasetException>(() => IdxReader.Read(path, IdxReader.ImageMagic));
        Assert.Equal("t10k-images-idx3-ubyte: bad magic number 0x00000802, expected 0x00000803 (IDX image file)", error.Message);
    }

    [Fact]
    public void ZeroDimensions_OrNonByteType_AreRejectedWithoutExpectedMagic()
    {
        using var dir = new TempDirectory();
        string zeroRank = dir.Write("scalar", IdxTestData.Build(0x00000800, [], [7]));
        string floats = dir.Write("floats", IdxTestData.Build(0x00000D01, [1], [0, 0, 0, 0]));
        const string expected = "expected 0x000008NN (IDX unsigned-byte file with NN > 0 dimensions)";
        Assert.Equal($"scalar: bad magic number 0x00000800, {expected}",
            Assert.Throws<DatasetException>(() => IdxReader.Read(zeroRank)).Message);
        Assert.Equal($"floats: bad magic number 0x00000D01, {expected}",
            Assert.Throws<DatasetException>(() => IdxReader.Read(floats)).Message);
    }

    [Fact]
    public void TruncatedHeader_IsReported()
    {
        using var dir = new TempDirectory();
        byte[] full = IdxTestData.Images(1);
        string shortHeader = dir.Write("t10k-images-idx3-ubyte", full[..10]);
        string shortMagic = dir.Write("tiny", full[..2]);
        Assert.Equal("t10k-images-idx3-ubyte: truncated: expected a 16-byte header, found 10 bytes",
            Assert.Throws<DatasetException>(() => IdxReader.Read(shortHeader, IdxReader.ImageMagic)).Message);
        Assert.Equal("tiny: truncated: expected a 4-byte IDX magic number, found 2 bytes",
            Assert.Throws<DatasetException>(() => IdxReader.Read(shortMagic)).Message);
    }

    [Fact]
    public void TruncatedData_ReportsExpectedAndFoundLengths()
    {
        using var dir = new TempDirectory();
        byte[] header = IdxTestData.Build(IdxReader.ImageMagic, [2000, 28, 28], []);
        string path = dir.Write("t10k-images-idx3-ubyte", [.. header, .. new byte[1000]]);
        var error = Assert.Throws<DatasetException>(() => IdxReader.Read(path, IdxReader.ImageMagic));
        Assert.Equal("t10k-images-idx3-ubyte: truncated: expected 1568000 bytes of image data after the header, found 1000", error.Message);
    }

    [Fact]
    public void TruncatedData_InsideGzip_IsReportedTheSameWay()
    {
        using var dir = new TempDirectory();
        byte[] header = IdxTestData.Build(IdxReader.LabelMagic, [100], []);
        string path = dir.Write("t10k-labels-idx1-ubyte.gz", IdxTestData.Gzip([.. header, .. new byte[60]]));
        var error = Assert.Throws<DatasetException>(() => IdxReader.Read(path, IdxReader.LabelMagic));
        Assert.Equal("t10k-labels-idx1-ubyte.gz: truncated: expected 100 bytes of label data after the header, found 60", error.Message);
    }

    [Fact]
    public void TrailingBytes_AreCounted()
    {
        using var dir = new TempDirectory();
        byte[] labels = IdxTestData.Labels(2000);
        string raw = dir.Write("t10k-labels-idx1-ubyte", [.. labels, 1, 2, 3]);
        string gz = dir.Write("t10k-labels-idx1-ubyte.gz", IdxTestData.Gzip([.. labels, .. new byte[20000]]));
        Assert.Equal("t10k-labels-idx1-ubyte: expected 2000 bytes of label data after the header, found 3 extra bytes after the data",
            Assert.Throws<DatasetException>(() => IdxReader.Read(raw, IdxReader.LabelMagic)).Message);
        Assert.Equal("t10k-labels-idx1-ubyte.gz: expected 2000 bytes of label data after the header, found 20000 extra bytes after the data",
            Assert.Throws<DatasetException>(() => IdxReader.Read(gz, IdxReader.LabelMagic)).Message);
    }

    [Fact]
    public void NegativeDimension_IsRejected()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad", IdxTestData.Build(IdxReader.ImageMagic, [3, -28, 28], []));
        Assert.Equal("bad: bad dimension 1: expected a non-negative size, found -28",
            Assert.Throws<DatasetException>(() => IdxReader.Read(path)).Message);
    }

    [Fact]
    public void CorruptGzip_NamesTheFile()
    {
        using var dir = new TempDirectory();
        byte[] gz = IdxTestData.Gzip(IdxTestData.Images(3));
        // Keep the gzip signature so the content is recognised as gzip, then garble the deflate data.
        byte[] corrupt = [.. gz[..10], .. Enumerable.Repeat((byte)0xFF, gz.Length - 10)];
        string path = dir.Write("train-images-idx3-ubyte.gz", corrupt);
        var error = Assert.Throws<DatasetException>(() => IdxReader.Read(path, IdxReader.ImageMagic));
        Assert.Equal("train-images-idx3-ubyte.gz: corrupt gzip stream", error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void MissingFile_NamesTheFullPath()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "nothing-here");
        Assert.Equal($"'{path}': file not found", Assert.Throws<DatasetException>(() => IdxReader.Read(path)).Message);
    }

    /// <summary>/dev/null reads as empty (a misleading "truncated"); a FIFO would block in open. Linux: statx tells the type.</summary>
    [Fact]
    public async Task DeviceOrFifo_IsNotARegularFile()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal("'/dev/null': not a regular file (a character device)",
            Assert.Throws<DatasetException>(() => IdxReader.Read("/dev/null")).Message);

        using var dir = new TempDirectory();
        string fifo = Path.Combine(dir.Path, "labels");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        Assert.Equal("a FIFO", FileKind.NotRegular(fifo));
        var read = Task.Run(() => IdxReader.Read(fifo, IdxReader.LabelMagic));
        if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(60))) != read)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // lets the blocked reader go
            Assert.Fail("IdxReader.Read on a FIFO did not return within 60 s");
        }
        Assert.Equal($"'{fifo}': not a regular file (a FIFO)", (await Assert.ThrowsAsync<DatasetException>(() => read)).Message);

        Assert.Null(FileKind.NotRegular(Path.Combine(dir.Path, "missing")));
        File.WriteAllBytes(Path.Combine(dir.Path, "regular"), [1]);
        Assert.Null(FileKind.NotRegular(Path.Combine(dir.Path, "regular")));
        Assert.Equal("a directory", FileKind.NotRegular(dir.Path));
    }

    [Fact]
    public void ExpectedMagicMustBeUnsignedByte()
    {
        using var stream = new MemoryStream(IdxTestData.Labels(1));
        Assert.Throws<ArgumentException>(() => IdxReader.Read(stream, "x", 0x00000D01));
    }

    /// <summary>A read-only stream that cannot seek, like a pipe or a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
