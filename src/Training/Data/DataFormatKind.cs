namespace Trainer.Training.Data;

/// <summary>The on-disk formats <see cref="DataFormat.Detect"/> recognises.</summary>
public enum DataFormatKind
{
    /// <summary>MNIST-format IDX files in a directory, read by <see cref="MnistDataset"/>.</summary>
    Idx,

    /// <summary>The binary version of CIFAR-10, read by <see cref="Cifar10Dataset"/>.</summary>
    Cifar10,

    /// <summary>The binary version of CIFAR-100, read by <see cref="Cifar100Dataset"/>.</summary>
    Cifar100,

    /// <summary><c>train/&lt;class&gt;/*</c> and <c>test/&lt;class&gt;/*</c> image folders, read by <see cref="ImageFolderDataset"/>.</summary>
    ImageFolder,

    /// <summary>A CSV file with a header, read by <see cref="CsvDataset"/>.</summary>
    Csv,
}
