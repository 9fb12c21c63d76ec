using System.Globalization;
using Trainer.Training;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// The train and test splits `--data` names, whatever their format: the built-in digits or a folder of MNIST IDX files
/// (read as before, through the tutorial's fast loader), or what <see cref="DataFormat.Detect"/> finds: CIFAR-10/100
/// binary files, <c>train/&lt;class&gt;/*</c> and <c>test/&lt;class&gt;/*</c> image folders, or a CSV file. Everything is
/// opened and checked by <see cref="Open"/>, before any device, so bad data is one line and exit 1 before any long work.
/// </summary>
/// <remarks>
/// <para>Images other than MNIST's are rescaled to [0, 1] and normalised with a fixed mean and standard deviation of
/// 0.5 per channel (to [-1, 1]), torchvision's and MindSpore's tutorial constants for data without known statistics:
/// the same for every subset and every run, needing no pass over the data before training, and nothing more to record in
/// a checkpoint for eval and predict to repeat. MNIST IDX data keeps the tutorial's 0.1307/0.3081. CSV features are fed
/// to the MLP as they are.</para>
/// <para>A CSV file is one table: its test split is <c>test.csv</c> beside it when the file is named <c>train.csv</c>;
/// otherwise every fifth data row (the 5th, 10th, ...) is held out as the test split, so a file sorted by class still
/// tests every class.</para>
/// <para>Rows other than IDX ones are decoded, resized and augmented on the host pipeline's worker threads
/// (<see cref="Dataset.Batch(int, bool, int)"/>, one per core), a batch ahead, and prefetched by
/// <see cref="PrefetchingBatchLoader"/>.</para>
/// </remarks>
public sealed class TrainingData : IDisposable
{
    /// <summary>`--label-column`'s default.</summary>
    public const string DefaultLabelColumn = "label";

    /// <summary>The mean and standard deviation every channel of a non-MNIST image is normalised with, after rescaling to [0, 1].</summary>
    public const float Mean = 0.5f, Std = 0.5f;

    /// <summary>The seed of the augmentation draws is the run's seed mixed with this, so shuffling and augmentation differ.</summary>
    private const ulong AugmentSalt = 0x4155474D454E54; // "AUGMENT"

    /// <summary>Rows as the formats read them: uint8 HWC images (or float32 features) and the label.</summary>
    private readonly Dataset? train, test;
    private readonly IDisposable[] owned;

    private TrainingData(MnistDataset idxTrain, MnistDataset idxTest)
    {
        IdxTrain = idxTrain;
        IdxTest = idxTest;
        Source = idxTrain.Source;
        TrainCount = idxTrain.Count;
        TestCount = idxTest.Count;
        Input = ModelInput.Mnist;
        Files = [.. idxTrain.Files, .. idxTest.Files];
        owned = [];
    }

    private TrainingData(DataFormat format, Dataset train, Dataset test, ModelInput input, IReadOnlyList<string> files, int skipped, IDisposable[] owned,
        string? note = null, IReadOnlyList<string>? classNames = null)
    {
        ClassNames = classNames;
        Format = format;
        this.train = train;
        this.test = test;
        this.owned = owned;
        Source = format.Path;
        TrainCount = train.GetDatasetSize();
        TestCount = test.GetDatasetSize();
        Input = input;
        Files = files;
        SkippedImages = skipped;
        Found = format.Description + (note ?? "") +
            (skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $"; skipped {skipped} image(s) that cannot be decoded (--skip-bad-images)") : "");
    }

    /// <summary>What <see cref="DataFormat.Detect"/> found; null for the built-in digits and IDX folders (read as before, with no line about them).</summary>
    public DataFormat? Format { get; }

    /// <summary>The line the commands print first about non-IDX data, e.g. <c>found CIFAR-10 binary: 50,000 train / 10,000 test images, 10 classes</c>; null for IDX.</summary>
    public string? Found { get; }

    /// <summary>The IDX training split (null for other formats).</summary>
    public MnistDataset? IdxTrain { get; }

    /// <summary>The IDX test split (null for other formats).</summary>
    public MnistDataset? IdxTest { get; }

    /// <summary>Where the data was read from: a directory, a CSV file, or <see cref="MnistDataset.BuiltInSource"/>.</summary>
    public string Source { get; }

    /// <summary>Examples in the training split.</summary>
    public int TrainCount { get; }

    /// <summary>Examples in the test split.</summary>
    public int TestCount { get; }

    /// <summary>The example shape and class count the model is sized from.</summary>
    public ModelInput Input { get; }

    /// <summary>The classes' names in label order when the data names them (image-folder names, CIFAR's label-name files); null for IDX and CSV.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>How images are normalised for the model: MNIST's for IDX, <see cref="PixelNormalization.ImageFormats"/> for other images, null for CSV rows.</summary>
    public PixelNormalization? Normalization => Input.IsTabular ? null : IdxTrain is not null ? PixelNormalization.Mnist : PixelNormalization.ImageFormats;

    /// <summary>Every file read, for the check that no output overwrites an input.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Image files left out because they cannot be decoded (--skip-bad-images).</summary>
    public int SkippedImages { get; }

    /// <summary>IDX splits already read (the built-in digits or a folder of IDX files).</summary>
    public static TrainingData FromIdx(MnistDataset train, MnistDataset test) => new(train, test);

    /// <summary>Opens and checks the data at <paramref name="path"/> (null: the built-in digits).</summary>
    /// <exception cref="DatasetException">The data is missing, malformed or does not fit a classifier (one line naming the file).</exception>
    public static TrainingData Open(string? path, string labelColumn = DefaultLabelColumn, bool skipBadImages = false)
    {
        // IDX exactly as before (its own messages for a missing directory or file); any other format through DataFormat.Detect.
        if (path is null || !(File.Exists(path) || Directory.Exists(path)) || (Directory.Exists(path) && MnistDataset.FilesIn(path).Count > 0))
        {
            var idxTrain = new MnistDataset(path, "train");
            var idxTest = new MnistDataset(path, "test");
            Datapipe.CheckData(idxTrain, idxTest, MnistNetwork.DefaultClasses);
            return new TrainingData(idxTrain, idxTest);
        }
        var format = DataFormat.Detect(path);
        return format.Kind switch
        {
            DataFormatKind.Cifar10 => OpenCifar(format, usage => new Cifar10Dataset(format.Path, usage)),
            DataFormatKind.Cifar100 => OpenCifar(format, usage => new Cifar100Dataset(format.Path, usage)),
            DataFormatKind.ImageFolder => OpenImageFolders(format, skipBadImages),
            DataFormatKind.Csv => OpenCsv(format, labelColumn),
            _ => throw new DatasetException($"{format.Path}: {format.Kind} data cannot be read here"),
        };
    }

    private static TrainingData OpenCifar(DataFormat format, Func<string, CifarDataset> open)
    {
        var trainSet = open("train");
        var testSet = open("test");
        var input = ModelInput.Image(CifarDataset.Channels, CifarDataset.ImageSize, CifarDataset.ImageSize, trainSet.ClassCount);
        string namesFile = Path.Combine(trainSet.Directory, format.Kind == DataFormatKind.Cifar10 ? Cifar10NamesFile : Cifar100NamesFile);
        IReadOnlyList<string>? names;
        try
        {
            names = ReadClassNames(namesFile, trainSet.ClassCount);
        }
        catch
        {
            trainSet.Dispose();
            testSet.Dispose();
            throw;
        }
        IReadOnlyList<string> files = [.. trainSet.Files, .. testSet.Files, .. names is null ? Array.Empty<string>() : [namesFile]];
        return new TrainingData(format, trainSet, testSet, input, files, 0, [trainSet, testSet], classNames: names);
    }

    /// <summary>CIFAR-10's label names, one a line, beside its batches (in the official binary archive).</summary>
    public const string Cifar10NamesFile = "batches.meta.txt";

    /// <summary>CIFAR-100's fine label names, one a line, beside train.bin (in the official binary archive).</summary>
    public const string Cifar100NamesFile = "fine_label_names.txt";

    /// <summary>The largest label-name file read, 1 MiB.</summary>
    private const long MaxNamesFileBytes = 1 << 20;

    /// <summary>
    /// The class names in <paramref name="path"/>, one a line (trailing blank lines and spaces around a name ignored), or null when
    /// there is no such file; a file that does not name each of <paramref name="classes"/> classes once is a one-line error naming it.
    /// </summary>
    private static IReadOnlyList<string>? ReadClassNames(string path, int classes)
    {
        if (!File.Exists(path)) return null;
        using var stream = Trainer.Training.IO.RegularFile.TryOpenRead(path, out string problem)
            ?? throw new DatasetException($"{path}: {problem} (expected the class names, one a line)");
        if (stream.Length > MaxNamesFileBytes)
            throw new DatasetException($"{path}: {stream.Length} bytes, more than the {MaxNamesFileBytes} a file of class names may have");
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        var lines = reader.ReadToEnd().Split('\n').Select(l => l.Trim(' ', '\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int blank = lines.IndexOf("");
        if (blank >= 0)
            throw new DatasetException($"{path}: line {blank + 1} is blank, expected a class name on each line (the class names, one a line)");
        return ClassNameList.Problem(lines, classes) is { } wrong
            ? throw new DatasetException($"{path}: {wrong} (the class names, one a line)")
            : lines;
    }

    /// <summary>How <see cref="ImageFolderDataset"/>'s message for an undecodable image ends.</summary>
    private const string LibraryHint = "skipBadImages leaves such files out)";

    private static TrainingData OpenImageFolders(DataFormat format, bool skipBadImages)
    {
        string trainDirectory = Path.Combine(format.Path, "train"), testDirectory = Path.Combine(format.Path, "test");
        int channels = ImageFolderDataset.DetectChannels(trainDirectory);
        ImageFolderDataset Folder(string directory)
        {
            try
            {
                return new ImageFolderDataset(directory, channels, skipBadImages: skipBadImages);
            }
            catch (DatasetException e) when (e.Message.EndsWith(LibraryHint, StringComparison.Ordinal))
            {
                // The library names its parameter; the command's user knows the flag.
                throw new DatasetException(e.Message[..^LibraryHint.Length] + "--skip-bad-images leaves such files out)", e);
            }
        }
        var trainSet = Folder(trainDirectory);
        var testSet = Folder(testDirectory);
        // Every image becomes the training set's size: the common one, or else the first image's (bilinear Resize).
        int height = trainSet.ImageHeight ?? trainSet.GetRow(0, 0)[0].Shape[0];
        int width = trainSet.ImageWidth ?? trainSet.GetRow(0, 0)[0].Shape[1];
        bool resize = trainSet.ImageHeight is null || testSet.ImageHeight != height || testSet.ImageWidth != width;
        Dataset Sized(ImageFolderDataset set) => resize ? set.Map([new Resize(height, width)], "image") : set;
        var input = ModelInput.Image(channels, height, width, trainSet.ClassCount);
        string note = string.Create(CultureInfo.InvariantCulture,
            $", {(channels == 1 ? "gray" : "RGB")} {height}x{width}{(resize ? " (images of other sizes resized to it)" : "")}");
        if (ClassNameList.Problem(trainSet.ClassNames, trainSet.ClassCount) is { } wrong)
            throw new DatasetException($"image folder '{trainSet.Directory}': class folder {wrong}; class names are recorded in checkpoints and printed by predict");
        return new TrainingData(format, Sized(trainSet), Sized(testSet), input, [.. trainSet.Files, .. testSet.Files],
            trainSet.SkippedImages + testSet.SkippedImages, [], note, trainSet.ClassNames);
    }

    private static TrainingData OpenCsv(DataFormat format, string labelColumn)
    {
        var table = new CsvDataset(format.Path, labelColumn);
        string testPath = Path.Combine(Path.GetDirectoryName(format.Path)!, "test.csv");
        Dataset trainRows, testRows;
        string note;
        var files = new List<string> { format.Path };
        if (string.Equals(Path.GetFileName(format.Path), "train.csv", StringComparison.Ordinal) && File.Exists(testPath))
        {
            var testTable = new CsvDataset(testPath, labelColumn);
            if (!testTable.FeatureNames.SequenceEqual(table.FeatureNames, StringComparer.Ordinal))
                throw new DatasetException($"{testTable.Path}: its feature columns ({string.Join(", ", testTable.FeatureNames)}) differ from {table.Path}'s ({string.Join(", ", table.FeatureNames)})");
            (trainRows, testRows) = (table, testTable);
            files.Add(testTable.Path);
            note = $"; test split {testTable.Path} ({testTable.Count.ToString("N0", CultureInfo.InvariantCulture)} rows)";
        }
        else
        {
            if (table.Count < 5)
                throw new DatasetException($"{table.Path}: {table.Count} data rows; holding out every fifth row as the test split needs at least 5 (or give train.csv with test.csv beside it)");
            trainRows = new RowSubset(table, Enumerable.Range(0, table.Count).Where(i => i % 5 != 4).ToArray());
            testRows = new RowSubset(table, Enumerable.Range(0, table.Count).Where(i => i % 5 == 4).ToArray());
            note = string.Create(CultureInfo.InvariantCulture, $"; every fifth row held out for testing: {trainRows.GetDatasetSize():N0} train / {testRows.GetDatasetSize():N0} test");
        }
        int classes = Math.Max(MaxLabel(trainRows), MaxLabel(testRows)) + 1;
        var input = ModelInput.Tabular(table.FeatureCount, classes);
        note += string.Create(CultureInfo.InvariantCulture, $", label column '{labelColumn}', {table.FeatureCount} features, {classes} classes");
        return new TrainingData(format, trainRows, testRows, input, files, 0, [], note);
    }

    private static int MaxLabel(Dataset rows)
    {
        int max = 0;
        for (int i = 0; i < rows.GetDatasetSize(); i++) max = Math.Max(max, rows.GetRow(i, 0)[1].AsInt32()[0]);
        return max;
    }

    /// <summary>
    /// The batches of a split as the steps take them, prefetched. IDX: the tutorial's loader (uint8 images for a step that
    /// normalises on the device when <paramref name="bytes"/>); other formats: float32 rows read on worker threads, with
    /// <paramref name="augment"/> adding RandomCrop (padding an eighth of the side) and RandomHorizontalFlip to training images.
    /// </summary>
    public PrefetchingBatchLoader CreateLoader(bool trainSplit, int batchSize, ulong? shuffleSeed, bool bytes, int rank = 0, int ranks = 1, bool augment = false)
    {
        if (IdxTrain is not null)
            return Datapipe.CreateLoader(trainSplit ? IdxTrain : IdxTest!, batchSize, shuffleSeed, bytes, rank, ranks);
        return new PrefetchingBatchLoader(CreateBatches(trainSplit, batchSize, shuffleSeed, augment: augment), rank: rank, ranks: ranks);
    }

    /// <summary>The batches of a split as a pipeline (not prefetched): for IDX the tutorial's <see cref="Datapipe.Create"/>.</summary>
    public Dataset CreateBatches(bool trainSplit, int batchSize, ulong? shuffleSeed, bool bytes = false, bool augment = false)
    {
        if (IdxTrain is not null)
            return Datapipe.Create(trainSplit ? IdxTrain : IdxTest!, batchSize, shuffleSeed, bytes);
        Dataset rows = trainSplit ? train! : test!;
        if (!Input.IsTabular)
        {
            var transforms = new List<ITransform>();
            if (augment && trainSplit)
            {
                // On the uint8 HWC image, before normalising: the crop pads with black; a crop and a flip draw independently per row.
                ulong seed = (shuffleSeed ?? 0) ^ AugmentSalt;
                int padding = Math.Max(1, Math.Min(Input.Height, Input.Width) / 8);
                transforms.Add(new RandomCrop(Input.Height, Input.Width, padding, seed));
                transforms.Add(new RandomHorizontalFlip(0.5, seed));
            }
            transforms.AddRange(Normalization!.Transforms());
            rows = rows.Map(transforms, "image");
        }
        rows = Datapipe.Int32Labels(rows);
        if (shuffleSeed is { } s) rows = rows.Shuffle(s);
        return rows.Batch(batchSize, dropRemainder: false, workers: Environment.ProcessorCount);
    }

    /// <summary>Closes the files the data sets hold open (CIFAR's).</summary>
    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}
