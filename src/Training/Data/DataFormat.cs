using System.Globalization;
using System.IO.Compression;

namespace Trainer.Training.Data;

/// <summary>
/// What a data path (the command's <c>--data</c>) holds, found by <see cref="Detect"/> from file names, headers and
/// lengths without reading the data: the format, where the files are, the split sizes and a one-line description
/// such as <c>found CIFAR-10 binary: 50,000 train / 10,000 test images, 10 classes</c>.
/// </summary>
public sealed class DataFormat
{
    private const string LookedFor =
        "looked for MNIST IDX files (train-images-idx3-ubyte, t10k-images-idx3-ubyte, ... or .gz), CIFAR-10 binary (data_batch_1..5.bin, test_batch.bin), " +
        "CIFAR-100 binary (train.bin, test.bin), image folders (train/<class>/*.png|jpg|bmp and test/<class>/*) or a .csv file";

    private DataFormat(DataFormatKind kind, string path, string description, long trainCount, long testCount, int? classCount)
    {
        Kind = kind;
        Path = path;
        Description = description;
        TrainCount = trainCount;
        TestCount = testCount;
        ClassCount = classCount;
    }

    /// <summary>The format found.</summary>
    public DataFormatKind Kind { get; }

    /// <summary>The full path to open the data set from: the directory (for CIFAR, the one holding the files, which may be the archive's subfolder), or the CSV file.</summary>
    public string Path { get; }

    /// <summary>One line for the command's first line, e.g. <c>found CIFAR-10 binary: 50,000 train / 10,000 test images, 10 classes</c>.</summary>
    public string Description { get; }

    /// <summary>Examples in the training split (for CSV, every data line: a CSV has no split).</summary>
    public long TrainCount { get; }

    /// <summary>Examples in the test split (0 for CSV).</summary>
    public long TestCount { get; }

    /// <summary>Number of classes when the format fixes it (CIFAR, image folders); null for IDX and CSV, whose labels tell.</summary>
    public int? ClassCount { get; }

    /// <summary>Says which format <paramref name="path"/> holds: a directory of IDX files, CIFAR-10 or CIFAR-100 binary files (or the folder the
    /// archive unpacks into), <c>train</c> and <c>test</c> image folders, or a <c>.csv</c> file.</summary>
    /// <exception cref="DatasetException">Nothing fits (the message says what was looked for), or what fits is malformed
    /// (a CIFAR file that is not a whole number of records, image splits with different classes, a CSV with no header).</exception>
    public static DataFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (string.Equals(System.IO.Path.GetExtension(full), ".csv", StringComparison.OrdinalIgnoreCase)) return DetectCsv(full);
            throw new DatasetException($"{full}: a file but not a .csv; {LookedFor}");
        }
        if (!Directory.Exists(full)) throw new DatasetException($"{full}: does not exist; {LookedFor}");
        if (MnistDataset.FilesIn(full).Count > 0) return DetectIdx(full);
        if (HasAny(full, Cifar10Dataset.ArchiveFolder, "data_batch_1.bin", "test_batch.bin")) return DetectCifar10(full);
        if (HasAny(full, Cifar100Dataset.ArchiveFolder, Cifar100Dataset.TrainFile, Cifar100Dataset.TestFile)) return DetectCifar100(full);
        if (Directory.Exists(System.IO.Path.Combine(full, "train")) && Directory.Exists(System.IO.Path.Combine(full, "test"))) return DetectImageFolders(full);
        throw new DatasetException($"{full}: not a data set I recognise; {LookedFor}");
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static bool HasAny(string directory, string archiveFolder, params string[] names) =>
        names.Any(name => File.Exists(System.IO.Path.Combine(directory, name)) || File.Exists(System.IO.Path.Combine(directory, archiveFolder, name)));

    private static DataFormat DetectIdx(string directory)
    {
        long train = IdxCount(directory, "train-images-idx3-ubyte");
        long test = IdxCount(directory, "t10k-images-idx3-ubyte");
        return new DataFormat(DataFormatKind.Idx, directory,
            $"found MNIST IDX files: {Count(train)} train / {Count(test)} test images, 28x28 gray", train, test, null);
    }

    /// <summary>The item count in an IDX file's header (bytes 4-7, big-endian), read through gzip when compressed; 0 when the file is missing.</summary>
    private static long IdxCount(string directory, string name)
    {
        string? path = MnistDataset.FilesIn(directory).FirstOrDefault(f => System.IO.Path.GetFileName(f).Replace('.', '-').StartsWith(name.Replace('.', '-'), StringComparison.Ordinal));
        if (path is null) return 0;
        using FileStream file = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new DatasetException($"{path}: {problem}");
        Span<byte> header = stackalloc byte[8];
        int magic0 = file.ReadByte(), magic1 = file.ReadByte();
        file.Position = 0;
        try
        {
            using Stream stream = magic0 == 0x1f && magic1 == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            stream.ReadExactly(header);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new DatasetException($"{path}: too short or corrupt for an IDX header ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
    }

    private static DataFormat DetectCifar10(string directory)
    {
        using var train = new Cifar10Dataset(directory, "train");
        using var test = new Cifar10Dataset(directory, "test");
        return new DataFormat(DataFormatKind.Cifar10, train.Directory,
            $"found CIFAR-10 binary: {Count(train.Count)} train / {Count(test.Count)} test images, 10 classes", train.Count, test.Count, 10);
    }

    private static DataFormat DetectCifar100(string directory)
    {
        using var train = new Cifar100Dataset(directory, "train");
        using var test = new Cifar100Dataset(directory, "test");
        return new DataFormat(DataFormatKind.Cifar100, train.Directory,
            $"found CIFAR-100 binary: {Count(train.Count)} train / {Count(test.Count)} test images, 100 fine (20 coarse) classes", train.Count, test.Count, 100);
    }

    private static DataFormat DetectImageFolders(string directory)
    {
        var (trainClasses, train) = CountImages(System.IO.Path.Combine(directory, "train"));
        var (testClasses, test) = CountImages(System.IO.Path.Combine(directory, "test"));
        if (!trainClasses.SequenceEqual(testClasses, StringComparer.Ordinal))
        {
            string onlyTrain = string.Join(", ", trainClasses.Except(testClasses, StringComparer.Ordinal).Select(c => $"'{c}'"));
            string onlyTest = string.Join(", ", testClasses.Except(trainClasses, StringComparer.Ordinal).Select(c => $"'{c}'"));
            throw new DatasetException($"image folders '{directory}': train and test must have the same class folders, or labels would differ; only in train: {(onlyTrain.Length > 0 ? onlyTrain : "none")}; only in test: {(onlyTest.Length > 0 ? onlyTest : "none")}");
        }
        return new DataFormat(DataFormatKind.ImageFolder, directory,
            $"found image folders: {Count(train)} train / {Count(test)} test images, {trainClasses.Length} classes", train, test, trainClasses.Length);
    }

    /// <summary>The class folder names (sorted ordinally, as <see cref="ImageFolderDataset"/> sorts them) and the number of image files under them, by name only.</summary>
    private static (string[] Classes, long Images) CountImages(string split)
    {
        string[] classes = new DirectoryInfo(split).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).Select(d => d.Name).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
            throw new DatasetException($"image folder '{split}': no class folders, expected {split}/<class>/*.png (or {string.Join(", ", ImageFolderDataset.Extensions)}), one folder per class");
        long images = 0;
        foreach (string name in classes) images += ImageFolderDataset.ListImages(System.IO.Path.Combine(split, name)).Length;
        return (classes, images);
    }

    private static DataFormat DetectCsv(string path)
    {
        using FileStream stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new DatasetException($"{path}: {problem} (expected a CSV file)");
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        string? header = null;
        long rows = 0;
        int lineNumber = 0, headerLine = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (header is null) (header, headerLine) = (line, lineNumber);
            else rows++;
        }
        if (header is null) throw new DatasetException($"{path}: empty file, expected a header line of column names and then one example per line");
        int columns = CsvLine.Split(header, path, headerLine).Length;
        return new DataFormat(DataFormatKind.Csv, path, $"found CSV: {Count(rows)} rows, {columns} columns", rows, 0, null);
    }
}
