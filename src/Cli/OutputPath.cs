using Trainer.Training.IO;

namespace Trainer.Cli;

/// <summary>
/// Checks, before a command does any work, that a file it will write at the end can be written: so
/// a typo in --json or --out fails in a second instead of after minutes of training.
/// </summary>
public static class OutputPath
{
    /// <summary>
    /// Throws an <see cref="IOException"/> (exit code 1) naming <paramref name="flag"/> and the user's
    /// <paramref name="path"/> unless it is not a device, FIFO or other non-regular file and
    /// <see cref="DurableFile.CheckWritable"/> finds it writable (its directory exists and takes a
    /// new file; an existing file, or a symbolic link's target, is writable).
    /// </summary>
    public static void Check(string flag, string path)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full) && FileKind.NotRegular(full) is { } kind)
            throw new IOException($"{flag} '{path}': is not a regular file ({kind})");
        DurableFile.CheckWritable(path, flag);
    }
}
