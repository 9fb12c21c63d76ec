namespace Trainer.Training.Data;

/// <summary>
/// Source data set over the binary version of CIFAR-10 (MindSpore's <c>Cifar10Dataset</c>): <c>data_batch_1.bin</c> to
/// <c>data_batch_5.bin</c> for training and <c>test_batch.bin</c> for testing, each record 1 label byte (0-9) and
/// 3,072 pixel bytes. Rows are <c>"image"</c> uint8 <c>[32,32,3]</c> and <c>"label"</c> uint8 <c>[]</c>; the files
/// are read on demand (see <see cref="CifarDataset"/>).
/// </summary>
public sealed class Cifar10Dataset : CifarDataset
{
    /// <summary>The training files, in row order.</summary>
    public static readonly IReadOnlyList<string> TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test file.</summary>
    public static readonly IReadOnlyList<string> TestFiles = ["test_batch.bin"];

    /// <summary>The folder the official archive (<c>cifar-10-binary.tar.gz</c>) unpacks into; accepted in place of the folder holding the files.</summary>
    public const string ArchiveFolder = "cifar-10-batches-bin";

    /// <summary>Bytes per record: 1 label byte and 3,072 pixel bytes.</summary>
    public const int RecordSize = 1 + ImageBytes;

    /// <summary>Opens the <paramref name="usage"/> split ("train", "test" or "all") of the CIFAR-10 files in <paramref name="directory"/> (or in its <see cref="ArchiveFolder"/> subfolder).</summary>
    /// <exception cref="DatasetException">The usage is unknown, the directory or a file is missing, or a file's length is not a whole number of <see cref="RecordSize"/>-byte records.</exception>
    public Cifar10Dataset(string directory, string usage)
        : base(directory, usage, "CIFAR-10", ArchiveFolder, [.. TrainFiles], [.. TestFiles], labelBytes: 1, labelOffset: 0, classCount: 10)
    {
    }
}
