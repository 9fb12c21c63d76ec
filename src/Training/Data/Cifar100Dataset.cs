namespace Trainer.Training.Data;

/// <summary>
/// Source data set over the binary version of CIFAR-100 (MindSpore's <c>Cifar100Dataset</c>): <c>train.bin</c> and
/// <c>test.bin</c>, each record a coarse label byte (0-19), a fine label byte (0-99) and 3,072 pixel bytes. Rows are
/// <c>"image"</c> uint8 <c>[32,32,3]</c> and <c>"label"</c> uint8 <c>[]</c>, the fine or the coarse label as chosen;
/// the files are read on demand (see <see cref="CifarDataset"/>).
/// </summary>
public sealed class Cifar100Dataset : CifarDataset
{
    /// <summary>The training file.</summary>
    public const string TrainFile = "train.bin";

    /// <summary>The test file.</summary>
    public const string TestFile = "test.bin";

    /// <summary>The folder the official archive (<c>cifar-100-binary.tar.gz</c>) unpacks into; accepted in place of the folder holding the files.</summary>
    public const string ArchiveFolder = "cifar-100-binary";

    /// <summary>Bytes per record: 2 label bytes and 3,072 pixel bytes.</summary>
    public const int RecordSize = 2 + ImageBytes;

    /// <summary>Opens the <paramref name="usage"/> split ("train", "test" or "all") of the CIFAR-100 files in <paramref name="directory"/> (or in its <see cref="ArchiveFolder"/> subfolder).</summary>
    /// <param name="directory">The folder holding <c>train.bin</c> and <c>test.bin</c>.</param>
    /// <param name="usage">"train", "test" or "all".</param>
    /// <param name="coarse">True for the 20 coarse classes (superclasses), false for the 100 fine classes.</param>
    /// <exception cref="DatasetException">The usage is unknown, the directory or a file is missing, or a file's length is not a whole number of <see cref="RecordSize"/>-byte records.</exception>
    public Cifar100Dataset(string directory, string usage, bool coarse = false)
        : base(directory, usage, "CIFAR-100", ArchiveFolder, [TrainFile], [TestFile], labelBytes: 2, labelOffset: coarse ? 0 : 1, classCount: coarse ? 20 : 100)
    {
        Coarse = coarse;
    }

    /// <summary>Whether the label column holds the coarse label (20 classes) rather than the fine one (100).</summary>
    public bool Coarse { get; }
}
