using System.Runtime.InteropServices;

namespace Trainer.Training.IO;

/// <summary>
/// What kind of file system entry a path names, for refusing FIFOs, sockets and devices before
/// opening them: opening a FIFO for reading blocks until someone writes to it, so a data file that
/// is one would hang the trainer instead of failing.
/// </summary>
/// <remarks>
/// .NET does not expose the file type of a path without opening it, so on Linux this asks the
/// kernel with statx(2), whose structure has one layout on every architecture. Elsewhere (and if
/// libc lacks statx) it answers null, "cannot tell": Windows has no FIFOs in the file system, and
/// other Unixes would need their own struct stat layout.
/// </remarks>
public static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int StatxSize = 256;

    /// <summary>
    /// Null when <paramref name="path"/> (symbolic links followed) is a regular file, does not exist,
    /// or its kind cannot be told here; otherwise what it is instead: "a directory", "a FIFO",
    /// "a socket", "a character device", "a block device".
    /// </summary>
    public static string? NotRegular(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int mode;
        try
        {
            mode = Mode(path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        if (mode < 0) return null;
        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            var other => $"file type 0x{other:X4}",
        };
    }

    /// <summary>st_mode of <paramref name="path"/>, or -1 when statx fails (a missing file, no permission) or does not report the type.</summary>
    private static unsafe int Mode(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return -1;
        if ((*(uint*)buffer & StatxType) == 0) return -1;
        return *(ushort*)(buffer + ModeOffset);
    }

    /// <summary>
    /// What <paramref name="path"/> itself is, symbolic links not followed, when that makes it unsafe to open for
    /// writing in place: "a symbolic link", or "a file with N hard links" (writing would change another name's file
    /// too); null for a regular file with one link, a missing name, or where this cannot be told.
    /// </summary>
    public static string? NotSoleRegular(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return Describe(path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static unsafe string? Describe(string path)
    {
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxNlink = 0x4;
        const int NlinkOffset = 16;
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxNlink, buffer) != 0) return null;
        if ((*(uint*)buffer & StatxType) == 0) return null;
        int type = *(ushort*)(buffer + ModeOffset) & 0xF000;
        if (type == 0xA000) return "a symbolic link";
        if (type != 0x8000) return NotRegular(path);
        uint links = *(uint*)(buffer + NlinkOffset);
        return (*(uint*)buffer & StatxNlink) != 0 && links > 1 ? $"a file with {links} hard links" : null;
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
