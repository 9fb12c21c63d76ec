namespace Trainer.Training.Data;

/// <summary>
/// The common part of <see cref="Cifar10Dataset"/> and <see cref="Cifar100Dataset"/>: a source data set over the
/// binary version of CIFAR, whose files are runs of fixed-size records of label bytes followed by a 32x32 colour
/// image stored channel by channel (1024 red, 1024 green, 1024 blue bytes, each row-major). Each row has two
/// columns: <c>"image"</c>, uint8 <c>[32,32,3]</c> (height, width, channel: MindSpore's Cifar10Dataset yields HWC),
/// and <c>"label"</c>, a uint8 scalar like <see cref="MnistDataset"/>'s.
/// </summary>
/// <remarks>
/// The files stay on disk: the constructor checks only their lengths, and each <see cref="GetRow"/> reads its one
/// record with a positional read, so memory holds nothing but the file handles, a shuffle needs no buffer, and rows
/// can be read from many threads at once. A label outside the data set's classes is reported when its row is read.
/// Dispose the data set to close the files (they are also closed when it is collected).
/// </remarks>
public abstract class CifarDataset : MappableDataset, IDisposable
{
    /// <summary>Image height and width in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Colour channels per image.</summary>
    public const int Channels = 3;

    /// <summary>Pixel bytes per record: 32 x 32 x 3.</summary>
    public const int ImageBytes = ImageSize * ImageSize * Channels;

    private static readonly string[] Columns = ["image", "label"];

    private readonly CifarRecordFile[] files;
    private readonly int[] starts;
    private readonly int labelBytes;
    private readonly int labelOffset;
    private readonly string format;

    /// <summary>Opens the files of <paramref name="usage"/> ("train", "test" or "all").</summary>
    /// <param name="directory">The folder holding the files, or the folder the archive unpacks into (<paramref name="archiveFolder"/>) one level up.</param>
    /// <param name="usage">"train", "test" or "all" (train then test), as in MindSpore.</param>
    /// <param name="format">"CIFAR-10" or "CIFAR-100", for messages.</param>
    /// <param name="archiveFolder">The folder name the official archive unpacks into, e.g. <c>cifar-10-batches-bin</c>.</param>
    /// <param name="trainFiles">File names of the training split.</param>
    /// <param name="testFiles">File names of the test split.</param>
    /// <param name="labelBytes">Label bytes before the image in each record.</param>
    /// <param name="labelOffset">Which of those bytes is the row's label.</param>
    /// <param name="classCount">Number of classes of that label.</param>
    /// <exception cref="DatasetException">The usage is unknown, the directory or a file is missing, or a file is not a whole number of records.</exception>
    private protected CifarDataset(string directory, string usage, string format, string archiveFolder,
        string[] trainFiles, string[] testFiles, int labelBytes, int labelOffset, int classCount)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(usage);
        if (usage is not ("train" or "test" or "all"))
            throw new DatasetException($"{format}: usage must be 'train', 'test' or 'all', got '{usage}'");
        Directory = ResolveDirectory(directory, archiveFolder, trainFiles[0], format);
        Usage = usage;
        ClassCount = classCount;
        this.labelBytes = labelBytes;
        this.labelOffset = labelOffset;
        this.format = format;
        string[] names = usage switch { "train" => trainFiles, "test" => testFiles, _ => [.. trainFiles, .. testFiles] };
        string layout = labelBytes == 1 ? "1 label byte + 3072 pixel bytes" : $"{labelBytes} label bytes + 3072 pixel bytes";
        var opened = new List<CifarRecordFile>();
        try
        {
            foreach (string name in names)
            {
                string path = Path.Combine(Directory, name);
                if (!File.Exists(path))
                    throw new DatasetException($"{format} directory '{Directory}' has no {name} (expected {string.Join(", ", names)})");
                opened.Add(CifarRecordFile.Open(path, labelBytes + ImageBytes, format, layout));
            }
        }
        catch
        {
            foreach (CifarRecordFile file in opened) file.Dispose();
            throw;
        }
        files = [.. opened];
        starts = new int[files.Length + 1];
        long total = 0;
        for (int i = 0; i < files.Length; i++)
        {
            total += files[i].Count;
            if (total > int.MaxValue)
                throw new DatasetException($"{format} directory '{Directory}': more than {int.MaxValue} records");
            starts[i + 1] = (int)total;
        }
        Count = (int)total;
    }

    /// <summary>The full path of the folder the files are read from.</summary>
    public string Directory { get; }

    /// <summary>"train", "test" or "all".</summary>
    public string Usage { get; }

    /// <summary>The full paths of the files read, in row order.</summary>
    public IReadOnlyList<string> Files => files.Select(file => file.Path).ToArray();

    /// <summary>Number of images.</summary>
    public override int Count { get; }

    /// <summary>Number of classes: labels are 0 to ClassCount - 1.</summary>
    public int ClassCount { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Columns;

    /// <summary>Row <paramref name="index"/> in file order (the files of <see cref="Files"/> one after another); the epoch does not affect it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="DatasetException">The record's label is not below <see cref="ClassCount"/>, or the file cannot be read.</exception>
    public override HostTensor[] GetRow(int index, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int fileIndex = Array.BinarySearch(starts, index);
        fileIndex = fileIndex >= 0 ? fileIndex : ~fileIndex - 1; // starts rise strictly: no file is empty
        CifarRecordFile file = files[fileIndex];
        int record = index - starts[fileIndex];
        Span<byte> bytes = stackalloc byte[labelBytes + ImageBytes];
        file.Read(record, bytes);
        byte label = bytes[labelOffset];
        if (label >= ClassCount)
            throw new DatasetException($"{file.Path}: record {record} has label {label}, expected 0 to {ClassCount - 1}; not a {format} file?");
        return [new HostTensor([ImageSize, ImageSize, Channels], ChannelsLast(bytes[labelBytes..])), new HostTensor([], [label])];
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        foreach (CifarRecordFile file in files) file.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Reorders a CHW image (planes of R, G, B) to HWC.</summary>
    private static byte[] ChannelsLast(ReadOnlySpan<byte> chw)
    {
        const int plane = ImageSize * ImageSize;
        var hwc = new byte[ImageBytes];
        for (int p = 0; p < plane; p++)
        {
            hwc[3 * p] = chw[p];
            hwc[3 * p + 1] = chw[plane + p];
            hwc[3 * p + 2] = chw[2 * plane + p];
        }
        return hwc;
    }

    /// <summary>The directory itself, or its <paramref name="archiveFolder"/> subfolder when only that holds the files.</summary>
    private static string ResolveDirectory(string directory, string archiveFolder, string probe, string format)
    {
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new DatasetException($"{format} directory '{full}' does not exist");
        string nested = Path.Combine(full, archiveFolder);
        return !File.Exists(Path.Combine(full, probe)) && File.Exists(Path.Combine(nested, probe)) ? nested : full;
    }
}
