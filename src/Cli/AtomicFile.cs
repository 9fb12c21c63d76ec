using Trainer.Training.IO;

namespace Trainer.Cli;

/// <summary>Writes the command line's output files through <see cref="DurableFile"/>: atomic, flushed to disk, symlinks and permissions kept.</summary>
public static class AtomicFile
{
    /// <summary>Same as <see cref="DurableFile.WriteAllText"/>: errors are one-line <see cref="IOException"/>s naming <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => DurableFile.WriteAllText(path, text);
}
