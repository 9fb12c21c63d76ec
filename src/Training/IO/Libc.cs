using System.Runtime.InteropServices;

namespace Trainer.Training.IO;

/// <summary>
/// The few POSIX calls .NET does not expose: opening a directory to fsync it, opening a file without
/// blocking (so a FIFO never hangs the caller), and asking whether a path is writable. Linux and macOS only;
/// callers check <see cref="IsAvailable"/> first.
/// </summary>
internal static partial class Libc
{
    private const string Library = "libc";

    /// <summary>True on Linux and macOS, where these calls exist.</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EINVAL = 22;
    public const int W_OK = 2;

    /// <summary>O_RDONLY | O_DIRECTORY | O_CLOEXEC for this platform. O_DIRECTORY is 0x10000 on Linux x86, 0x4000 on Linux ARM, 0x100000 on macOS.</summary>
    public static int OpenDirectoryFlags =>
        OperatingSystem.IsMacOS() ? 0x100000 | 0x1000000
        : RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 | 0x80000
        : 0x10000 | 0x80000;

    /// <summary>O_RDONLY | O_NONBLOCK | O_CLOEXEC for this platform (O_NONBLOCK: 0x800 on Linux, 0x4 on macOS).</summary>
    public static int OpenNonBlockingReadFlags => OperatingSystem.IsMacOS() ? 0x4 | 0x1000000 : 0x800 | 0x80000;

    /// <summary>ENOTSUP, which differs between Linux (95) and macOS (45).</summary>
    public static int ENOTSUP => OperatingSystem.IsMacOS() ? 45 : 95;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    public const int ESRCH = 3;
    public const int ENOLCK = 37; // Linux
    public const int EWOULDBLOCK = 11; // EAGAIN on Linux
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    /// <summary>
    /// O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC for this platform (O_CREAT: 0x40 on Linux, 0x200 on macOS; O_NOFOLLOW:
    /// 0x20000 on Linux x86, 0x8000 on Linux ARM, 0x100 on macOS): a symbolic link in the last component fails with ELOOP.
    /// </summary>
    public static int OpenCreateReadWriteFlags =>
        OperatingSystem.IsMacOS() ? 0x2 | 0x200 | 0x100 | 0x1000000
        : RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x2 | 0x40 | 0x8000 | 0x80000
        : 0x2 | 0x40 | 0x20000 | 0x80000;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
