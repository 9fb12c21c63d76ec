using System.Runtime.InteropServices;

namespace Trainer.Training.IO;

/// <summary>
/// Which file a path names, as the kernel tells files apart: device and inode number, symbolic links followed.
/// Two paths name the same file exactly when their identities are equal, however differently they are spelled
/// (<c>./a</c>, <c>../d/a</c>, a symbolic link, a hard link), which comparing strings cannot tell.
/// </summary>
/// <remarks>Linux only (statx(2)); elsewhere <see cref="Of"/> answers null, "cannot tell".</remarks>
public readonly partial record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    // struct statx: u64 stx_ino at 32; u32 stx_dev_major at 136, stx_dev_minor at 140.
    private const int InodeOffset = 32, DeviceMajorOffset = 136, DeviceMinorOffset = 140;

    /// <summary>The identity of the file <paramref name="path"/> names (links followed), or null when it does not exist or this system cannot tell.</summary>
    public static FileIdentity? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return Stat(path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> both exist and are one file (by <see cref="Of"/>); where
    /// this system cannot tell identities, when their full paths agree once symbolic links are followed. False when
    /// either is missing.
    /// </summary>
    public static bool Same(string a, string b)
    {
        if (!File.Exists(a) || !File.Exists(b)) return false;
        if (Of(a) is { } idA && Of(b) is { } idB) return idA == idB;
        return string.Equals(Resolved(a), Resolved(b), StringComparison.Ordinal);
    }

    private static string Resolved(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        return (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true))?.FullName ?? info.FullName;
    }

    private static unsafe FileIdentity? Stat(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0) return null;
        if ((*(uint*)buffer & StatxIno) == 0) return null;
        return new FileIdentity(*(uint*)(buffer + DeviceMajorOffset), *(uint*)(buffer + DeviceMinorOffset), *(ulong*)(buffer + InodeOffset));
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
