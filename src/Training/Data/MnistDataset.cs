namespace Trainer.Training.Data;

/// <summary>
/// Source data set for MNIST-format IDX files (MNIST, Fashion-MNIST, ...), read completely and
/// validated when constructed. Each row has two columns: <c>"image"</c>, a uint8 tensor of shape
/// <c>[28,28,1]</c> (height, width, channel), and <c>"label"</c>, a uint8 scalar (shape <c>[]</c>).
/// </summary>
/// <remarks>
/// <para>From a directory, the files for usage "train" are <c>train-images-idx3-ubyte</c> and
/// <c>train-labels-idx1-ubyte</c>, and for "test" <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>. For each, the first existing file among the raw name, the name with
/// <c>.gz</c>, the dotted variant (e.g. <c>train-images.idx3-ubyte</c>) and the dotted variant with
/// <c>.gz</c> is used. Whether a file is compressed is decided by its content, not its name.</para>
/// <para>With no directory, the built-in 10,000-digit subset embedded in this assembly is used
/// (8,000 train and 2,000 test rows).</para>
/// </remarks>
public sealed class MnistDataset : MappableDataset
{
    /// <summary>Height and width every image must have.</summary>
    public const int ImageSize = 28;

    /// <summary>The value of <see cref="Source"/> for the embedded data set.</summary>
    public const string BuiltInSource = "built-in mnist-10k";

    private const string ResourcePrefix = "mnist-10k/";

    private static readonly string[] Columns = ["image", "label"];

    private readonly byte[] _images;
    private readonly byte[] _labels;

    /// <summary>
    /// Loads the <paramref name="usage"/> split ("train" or "test") from <paramref name="directory"/>, or
    /// from the built-in data set when <paramref name="directory"/> is null.
    /// </summary>
    /// <exception cref="DatasetException">The usage is neither "train" nor "test"; the directory or a file is
    /// missing; a file is malformed; images are not 28x28; or image and label counts differ.</exception>
    public MnistDataset(string? directory, string usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (usage is not ("train" or "test"))
        {
            throw new DatasetException($"usage must be 'train' or 'test', got '{usage}'");
        }
        Usage = usage;
        string prefix = usage == "train" ? "train" : "t10k";
        string imagesName = $"{prefix}-images-idx3-ubyte";
        string labelsName = $"{prefix}-labels-idx1-ubyte";

        (IdxFile images, string imagesDisplay, IdxFile labels, string labelsDisplay) = directory is null
            ? (ReadEmbedded(imagesName, IdxReader.ImageMagic), $"built-in:{ResourcePrefix}{imagesName}.gz",
                ReadEmbedded(labelsName, IdxReader.LabelMagic), $"built-in:{ResourcePrefix}{labelsName}.gz")
            : ReadDirectory(directory, imagesName, labelsName);
        Files = directory is null ? [] : [Path.Combine(FullDirectory(directory), imagesDisplay), Path.Combine(FullDirectory(directory), labelsDisplay)];
        Source = directory is null ? BuiltInSource : FullDirectory(directory);

        int rows = images.Dimensions[1];
        int cols = images.Dimensions[2];
        if (rows != ImageSize || cols != ImageSize)
        {
            throw new DatasetException($"{imagesDisplay}: expected {ImageSize}x{ImageSize} images, found {rows}x{cols}");
        }
        int imageCount = images.Dimensions[0];
        int labelCount = labels.Dimensions[0];
        if (imageCount != labelCount)
        {
            throw new DatasetException($"{imagesDisplay} has {imageCount} images but {labelsDisplay} has {labelCount} labels");
        }

        _images = images.Data;
        _labels = labels.Data;
        Count = imageCount;
        ImageHeight = rows;
        ImageWidth = cols;
        MaxLabel = _labels.Length == 0 ? -1 : _labels.Max();
    }

    /// <summary>The full path of the directory the files were read from, or <see cref="BuiltInSource"/>.</summary>
    public string Source { get; }

    /// <summary>The full paths of the two files read (images, labels); empty for the built-in data set.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>"train" or "test".</summary>
    public string Usage { get; }

    /// <summary>Number of images (equal to the number of labels).</summary>
    public override int Count { get; }

    /// <summary>Image height in pixels (always <see cref="ImageSize"/>).</summary>
    public int ImageHeight { get; }

    /// <summary>Image width in pixels (always <see cref="ImageSize"/>).</summary>
    public int ImageWidth { get; }

    /// <summary>The largest label value, or -1 when the data set is empty. Labels are not range-checked;
    /// callers that need class indices below some bound compare against this.</summary>
    public int MaxLabel { get; }

    /// <summary>All pixels as stored in the file: <see cref="Count"/> images of <see cref="ImageHeight"/> rows of <see cref="ImageWidth"/> bytes.</summary>
    public ReadOnlyMemory<byte> ImageBytes => _images;

    /// <summary>All labels as stored in the file, one byte per image.</summary>
    public ReadOnlyMemory<byte> LabelBytes => _labels;

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Columns;

    /// <summary>Row <paramref name="index"/> in file order; the epoch does not affect it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    public override HostTensor[] GetRow(int index, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int pixels = ImageHeight * ImageWidth;
        byte[] image = _images.AsSpan(index * pixels, pixels).ToArray();
        return
        [
            new HostTensor([ImageHeight, ImageWidth, 1], image),
            new HostTensor([], [_labels[index]]),
        ];
    }

    private static string FullDirectory(string directory) =>
        directory.Length == 0 ? directory : Path.GetFullPath(directory);

    private static (IdxFile Images, string ImagesDisplay, IdxFile Labels, string LabelsDisplay) ReadDirectory(
        string directory, string imagesName, string labelsName)
    {
        string fullDirectory = FullDirectory(directory);
        if (!Directory.Exists(fullDirectory))
        {
            throw new DatasetException($"data directory '{fullDirectory}' does not exist");
        }
        string imagesPath = FindFile(fullDirectory, imagesName);
        string labelsPath = FindFile(fullDirectory, labelsName);
        return (IdxReader.Read(imagesPath, IdxReader.ImageMagic), Path.GetFileName(imagesPath),
            IdxReader.Read(labelsPath, IdxReader.LabelMagic), Path.GetFileName(labelsPath));
    }

    /// <summary>
    /// The files a data set read from <paramref name="directory"/> would use (for each of the four, the first existing
    /// spelling), without reading them; those missing are left out. For checking that no output replaces one.
    /// </summary>
    public static IReadOnlyList<string> FilesIn(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string full = FullDirectory(directory);
        var files = new List<string>();
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            try
            {
                files.Add(FindFile(full, name));
            }
            catch (DatasetException)
            {
                // missing: reading the data set will say so
            }
        }
        return files;
    }

    /// <summary>Finds the first existing file among the accepted spellings of <paramref name="name"/>.</summary>
    private static string FindFile(string directory, string name)
    {
        // "train-images-idx3-ubyte" -> "train-images.idx3-ubyte": some mirrors and unpackers use a dot.
        int lastDash = name.LastIndexOf('-', name.LastIndexOf('-') - 1);
        string dotted = string.Concat(name.AsSpan(0, lastDash), ".", name.AsSpan(lastDash + 1));
        foreach (string candidate in new[] { name, name + ".gz", dotted, dotted + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new DatasetException($"data directory '{directory}' has no {name} or {name}.gz");
    }

    private static IdxFile ReadEmbedded(string name, int expectedMagic)
    {
        string resource = $"{ResourcePrefix}{name}.gz";
        using Stream stream = typeof(MnistDataset).Assembly.GetManifestResourceStream(resource)
            ?? throw new DatasetException($"built-in data set: resource '{resource}' is missing from {typeof(MnistDataset).Assembly.GetName().Name}");
        return IdxReader.Read(stream, $"built-in:{resource}", expectedMagic);
    }
}
