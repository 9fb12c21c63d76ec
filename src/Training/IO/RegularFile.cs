using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Trainer.Training.IO;

/// <summary>
/// Opens a file for reading only when it is a regular file, without ever blocking: a FIFO, socket, terminal or
/// directory given as a path is refused with a reason instead of hanging the caller or failing obscurely.
/// </summary>
internal static class RegularFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading, or returns null and sets <paramref name="problem"/> to a short reason
    /// (<c>is a directory</c>, <c>does not exist</c>, <c>permission denied</c>, <c>is not a regular file ...</c>).
    /// On Linux and macOS the file is opened with O_NONBLOCK, so opening a FIFO with no writer returns at once; a
    /// stream that cannot seek is then refused. Character devices that can seek (e.g. <c>/dev/zero</c>) report a
    /// length of 0 and are left to the caller's length checks.
    /// </summary>
    public static FileStream? TryOpenRead(string path, out string problem)
    {
        problem = "";
        if (Directory.Exists(path)) { problem = "is a directory, not a file"; return null; }
        if (!File.Exists(path)) { problem = "does not exist"; return null; }
        FileStream stream;
        try
        {
            stream = Libc.IsAvailable ? OpenNonBlocking(path) : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        }
        catch (UnauthorizedAccessException)
        {
            problem = "permission denied";
            return null;
        }
        catch (IOException e)
        {
            problem = $"cannot be opened: {e.Message}";
            return null;
        }
        if (!stream.CanSeek)
        {
            stream.Dispose();
            problem = "is not a regular file (a pipe, socket or terminal)";
            return null;
        }
        return stream;
    }

    private static FileStream OpenNonBlocking(string path)
    {
        int fd = Libc.Open(path, Libc.OpenNonBlockingReadFlags);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is 1 or 13) throw new UnauthorizedAccessException();
            throw new IOException($"errno {errno}");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            return new FileStream(handle, FileAccess.Read, bufferSize: 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
