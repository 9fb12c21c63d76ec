using System.Runtime.InteropServices;
using System.Text;

namespace Trainer.Training.IO;

/// <summary>
/// Writes files so that a crash or power loss leaves either the old file or the complete new one, never a
/// half-written one: the bytes go to a temporary file beside the target, are flushed to disk, and the temporary
/// file is renamed over the target; then the directory is flushed so the rename itself survives a power loss.
/// </summary>
/// <remarks>
/// Writing through a symbolic link replaces the link's final target and leaves the link a link. The temporary
/// file is <c>.{name}.{pid}.tmp</c> in the target's directory; it takes the existing target's Unix permissions
/// (not its owner) and is deleted on any failure. Errors are <see cref="IOException"/>s with one-line messages
/// that name the caller's path, never the temporary file: <c>'out/x.json': directory 'out' does not exist</c>,
/// <c>'x.json': is a directory</c>, <c>'x.json': permission denied</c>, <c>'x.json': no space left on device</c>.
/// Exceptions thrown by the caller's own write callback pass through unchanged (after the temporary file is deleted),
/// except I/O errors that name the temporary file, which are reworded to name the caller's path.
/// </remarks>
public static class DurableFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark, durably and atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8NoBom.GetBytes(text));
    }

    /// <summary>Writes <paramref name="bytes"/> durably and atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Calls <paramref name="write"/> with a stream onto a temporary file beside the (symlink-resolved) target,
    /// flushes it to disk, copies the existing target's Unix permissions onto it, renames it over the target and
    /// flushes the directory. Throws <see cref="IOException"/> naming <paramref name="path"/> when the directory is
    /// missing, the target is a directory or an unwritable file, or any file-system step fails.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = ResolveTarget(path);
        string directory = Path.GetDirectoryName(target) ?? ".";
        if (!Directory.Exists(directory)) throw new IOException($"'{path}': directory '{DisplayDirectory(path, target)}' does not exist");
        if (Directory.Exists(target)) throw new IOException($"'{path}': is a directory");
        // Checked at every write, not only when a command starts: a name can become a FIFO or a device (or a link to one) meanwhile.
        if (FileKind.NotRegular(target) is { } kind) throw new IOException($"'{path}': is not a regular file ({kind}); refusing to replace it");
        if (File.Exists(target) && !IsWritable(target)) throw new IOException($"'{path}': permission denied");

        string temp = TempPath(target);
        try
        {
            using (var stream = Step(path, temp, () => CreateFresh(temp)))
            {
                try
                {
                    write(stream);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException && e.Message.Contains(temp, StringComparison.Ordinal))
                {
                    throw Reworded(path, temp, e);
                }
                Step(path, temp, () => stream.Flush(flushToDisk: true));
            }
            Step(path, temp, () => CopyPermissions(target, temp));
            Step(path, temp, () => File.Move(temp, target, overwrite: true));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        FlushDirectory(path, directory);
    }

    /// <summary>
    /// Checks, before any long work, that <see cref="Write"/> to <paramref name="path"/> would be allowed: its
    /// directory exists and a file can be created and deleted there, the path is not a directory, and an existing
    /// file is writable. Throws <see cref="IOException"/> with one line naming <paramref name="what"/> (an option
    /// such as <c>--json</c>) and the path, e.g. <c>--json 'out/x.json': directory 'out' does not exist</c>.
    /// Leaves nothing behind.
    /// </summary>
    public static void CheckWritable(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target;
        try
        {
            target = ResolveTarget(path);
        }
        catch (IOException e)
        {
            throw new IOException($"{what} {e.Message}", e);
        }
        string directory = Path.GetDirectoryName(target) ?? ".";
        if (Directory.Exists(target)) throw new IOException($"{what} '{path}': is a directory");
        if (FileKind.NotRegular(target) is { } kind) throw new IOException($"{what} '{path}': is not a regular file ({kind})");
        if (!Directory.Exists(directory))
            throw new IOException(File.Exists(directory)
                ? $"{what} '{path}': '{DisplayDirectory(path, target)}' is not a directory"
                : $"{what} '{path}': directory '{DisplayDirectory(path, target)}' does not exist");
        string probe = TempPath(target);
        try
        {
            CreateFresh(probe).Dispose();
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            string why = e is UnauthorizedAccessException ? "permission denied" : "a new file cannot be created there";
            throw new IOException($"{what} '{path}': directory '{DisplayDirectory(path, target)}' is not writable ({why})", e);
        }
        if (File.Exists(target) && !IsWritable(target)) throw new IOException($"{what} '{path}': file is not writable");
    }

    /// <summary>The full path a write to <paramref name="path"/> replaces: the final target when it is a symbolic link.</summary>
    private static string ResolveTarget(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is null) return full;
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"'{path}': cannot follow the symbolic link: {Reason(e, full, path)}", e);
        }
    }

    /// <summary>The directory as the user wrote it when the path is not a link, else the resolved target's directory.</summary>
    private static string DisplayDirectory(string path, string target)
    {
        string? written = Path.GetDirectoryName(path);
        bool direct = string.Equals(Path.GetFullPath(path), target, StringComparison.Ordinal);
        return direct && !string.IsNullOrEmpty(written) ? written : Path.GetDirectoryName(target) ?? ".";
    }

    /// <summary>
    /// Creates <paramref name="temp"/> as a new file (O_CREAT|O_EXCL), removing first whatever has that name: a
    /// leftover of ours, or a link someone planted there, which a plain create would follow and truncate (as root too).
    /// </summary>
    private static FileStream CreateFresh(string temp)
    {
        if (File.Exists(temp) || new FileInfo(temp).LinkTarget is not null) File.Delete(temp); // removes a link itself, never its target
        return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
    }

    private static string TempPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", TempName(Path.GetFileName(target), Environment.ProcessId));

    private static string TempName(string name, int pid) => $".{name}.{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}.tmp";

    /// <summary>
    /// Deletes the temporary files that writes of <paramref name="isTarget"/>'s names in <paramref name="directory"/>
    /// left behind when their process was killed mid-write: regular files named exactly <c>.{name}.{pid}.tmp</c>
    /// whose <c>name</c> <paramref name="isTarget"/> accepts and whose process no longer runs (never this process's
    /// own, never a live one's). Returns the names deleted. A no-op where processes cannot be asked about (not Linux or macOS).
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemporaryFiles(string directory, Func<string, bool> isTarget)
    {
        ArgumentNullException.ThrowIfNull(isTarget);
        var removed = new List<string>();
        if (!Libc.IsAvailable || !Directory.Exists(directory)) return removed;
        foreach (string file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            string name = Path.GetFileName(file);
            int dot = name.LastIndexOf('.', name.Length - ".tmp".Length - 1);
            if (dot <= 1) continue;
            string target = name[1..dot], digits = name[(dot + 1)..^".tmp".Length];
            if (digits.Length == 0 || digits.Length > 10 || !digits.All(char.IsAsciiDigit)) continue;
            if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 0) continue;
            if (TempName(target, pid) != name || !isTarget(target) || pid == Environment.ProcessId || ProcessIsAlive(pid)) continue;
            if (FileKind.NotRegular(file) is not null || new FileInfo(file).LinkTarget is not null) continue;
            try
            {
                File.Delete(file);
                removed.Add(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed it first, or it is not ours to remove: leave it.
            }
        }
        return removed;
    }

    /// <summary>Whether process <paramref name="pid"/> exists (kill with signal 0: only ESRCH means it does not).</summary>
    private static bool ProcessIsAlive(int pid) =>
        Libc.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Libc.ESRCH;

    /// <summary>Gives <paramref name="temp"/> the Unix permissions of <paramref name="target"/> when it exists; a no-op on Windows.</summary>
    private static void CopyPermissions(string target, string temp)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(target)) return;
        File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
    }

    private static bool IsWritable(string file) =>
        Libc.IsAvailable ? Libc.Access(file, Libc.W_OK) == 0 : !File.GetAttributes(file).HasFlag(FileAttributes.ReadOnly);

    private static void Step(string path, string temp, Action action) => Step(path, temp, () => { action(); return 0; });

    private static T Step<T>(string path, string temp, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Reworded(path, temp, e);
        }
    }

    private static IOException Reworded(string path, string temp, Exception e) => new($"'{path}': {Reason(e, temp, path)}", e);

    /// <summary>A short reason for a file-system error, with <paramref name="hidden"/> (the temporary file) replaced by the user's path.</summary>
    private static string Reason(Exception e, string hidden, string path) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: 28 } => "no space left on device",
        IOException { HResult: 30 } => "read-only file system",
        IOException { HResult: 122 } when OperatingSystem.IsLinux() => "disk quota exceeded",
        _ => e.Message.Replace(hidden, path, StringComparison.Ordinal).ReplaceLineEndings(" "),
    };

    /// <summary>fsyncs <paramref name="directory"/> so a rename in it survives a power loss; a no-op on Windows and where the file system cannot fsync directories.</summary>
    private static void FlushDirectory(string path, string directory)
    {
        if (!Libc.IsAvailable) return;
        int fd = Libc.Open(directory, Libc.OpenDirectoryFlags);
        if (fd < 0) throw new IOException($"'{path}': written, but cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Libc.Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINVAL && errno != Libc.ENOTSUP)
                    throw new IOException($"'{path}': written, but flushing directory '{directory}' failed (errno {errno})");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error matters more than a leftover temporary file.
        }
    }
}
