using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Trainer.Training.IO;

/// <summary>
/// An exclusive claim on a directory that one process writes into (a training run's <c>--save</c> directory), so a
/// second run started on the same directory fails at once instead of the two replacing each other's checkpoints.
/// The claim is an advisory lock (flock(2)) on the file <see cref="FileName"/> in the directory, which also holds
/// the owner's process id for the message the second run gets. The kernel drops the lock when the owner exits,
/// however it exits, so a killed run never leaves the directory locked; the file itself stays.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the directory.</summary>
    public const string FileName = ".trainer.lock";

    private readonly FileStream? stream;

    private DirectoryLock(FileStream? stream) => this.stream = stream;

    /// <summary>
    /// Locks <paramref name="directory"/> (which must exist) for this process, or throws an <see cref="IOException"/>
    /// naming <paramref name="what"/> (e.g. <c>--save</c>) and the directory:
    /// <c>--save 'run': in use by another trainer run (PID 4711); wait for it to end or save elsewhere</c>.
    /// </summary>
    public static DirectoryLock Acquire(string directory, string what)
    {
        string path = Path.Combine(directory, FileName);
        // The lock file is opened and rewritten in place: a link planted there (to another file, as root too) must not be followed.
        if (FileKind.NotSoleRegular(path) is { } kind)
            throw new IOException($"{what} '{directory}': its lock file '{FileName}' is {kind}, not a plain file this run may rewrite; remove it");
        if (!Libc.IsAvailable)
        {
            // .NET itself locks a file opened with FileShare.None.
            try
            {
                return Claimed(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw Busy(directory, what, holder: null);
            }
        }
        int fd = Libc.Open(path, Libc.OpenCreateReadWriteFlags, Convert.ToInt32("644", 8));
        if (fd < 0) throw new IOException($"{what} '{directory}': cannot open its lock file '{FileName}' (errno {Marshal.GetLastPInvokeError()})");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.ENOLCK or Libc.EINVAL || errno == Libc.ENOTSUP)
            {
                // A file system without locks (some network mounts): go on, saying the directory is not protected.
                handle.Dispose();
                return new DirectoryLock(null) { Unlocked = $"the file system of '{directory}' does not support locks (errno {errno})" };
            }
            handle.Dispose();
            if (errno == Libc.EWOULDBLOCK) throw Busy(directory, what, Holder(path));
            throw new IOException($"{what} '{directory}': cannot lock '{FileName}' (errno {errno})");
        }
        return Claimed(new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0));
    }

    /// <summary>Why the directory could not be locked where its file system has no locks (the run goes on unprotected); null when it is locked.</summary>
    public string? Unlocked { get; private init; }

    /// <summary>Records this process's id in the locked file, for whoever finds the directory taken.</summary>
    private static DirectoryLock Claimed(FileStream stream)
    {
        try
        {
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
            return new DirectoryLock(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static IOException Busy(string directory, string what, int? holder) =>
        new($"{what} '{directory}': in use by another trainer run{(holder is { } pid ? $" (PID {pid})" : "")}; wait for it to end or save elsewhere");

    /// <summary>The process id the holder wrote into the lock file, read without taking a lock (which .NET's own readers would try); null when unreadable.</summary>
    private static int? Holder(string path)
    {
        int fd = Libc.Open(path, Libc.OpenNonBlockingReadFlags);
        if (fd < 0) return null;
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        var buffer = new byte[16];
        int count = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        string text = Encoding.ASCII.GetString(buffer, 0, count).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
    }

    /// <summary>Releases the directory (closing the file drops the lock).</summary>
    public void Dispose() => stream?.Dispose();
}
