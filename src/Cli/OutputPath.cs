using Trainer.Training.Data;

namespace Trainer.Cli;

/// <summary>
/// Checks, before a command does any work, that a file it will write at the end can be written: so
/// a typo in --json or --out fails in a second instead of after minutes of training.
/// </summary>
public static class OutputPath
{
    /// <summary>
    /// Throws an <see cref="IOException"/> (exit code 1) naming <paramref name="flag"/> and the user's
    /// <paramref name="path"/> unless its directory exists, the path is not a directory or another
    /// non-regular file, and a file can be created in the directory (a probe file is created and deleted).
    /// </summary>
    public static void Check(string flag, string path)
    {
        string full = Path.GetFullPath(path);
        string shown = Path.GetDirectoryName(path) is { Length: > 0 } given ? given : ".";
        string directory = Path.GetDirectoryName(full) ?? full;
        if (Directory.Exists(full))
            throw Fail(flag, path, "is a directory");
        if (!Directory.Exists(directory))
            throw Fail(flag, path, File.Exists(directory) ? $"'{shown}' is not a directory" : $"directory '{shown}' does not exist");
        if (FileKind.NotRegular(full) is { } kind)
            throw Fail(flag, path, $"is not a regular file ({kind})");
        string probe = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.probe");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(probe, "probe file").ReplaceLineEndings(" ");
            throw Fail(flag, path, $"directory '{shown}' is not writable ({why})");
        }
    }

    private static IOException Fail(string flag, string path, string why) => new($"{flag} '{path}': {why}");
}
