using System.Runtime.InteropServices;

namespace Trainer.Training.IO;

/// <summary>
/// Whether two paths name the same file, so a command can refuse to write its output over one of its
/// inputs: the same device and inode on Linux (hard links, symbolic links and <c>./x</c> against
/// <c>x</c> all count), elsewhere the same full path once symbolic links are followed.
/// </summary>
public static partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int InoOffset = 32, DevMajorOffset = 136, DevMinorOffset = 140; // struct statx

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> both exist and are one file; false when either is missing.</summary>
    public static bool Same(string a, string b)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var (idA, okA) = Identity(a);
                var (idB, okB) = Identity(b);
                if (okA && okB) return idA == idB;
                if (!File.Exists(a) || !File.Exists(b)) return false;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // No statx in this libc: compare resolved paths below.
            }
        }
        return File.Exists(a) && File.Exists(b) && string.Equals(Resolved(a), Resolved(b), StringComparison.Ordinal);
    }

    private static unsafe ((uint Major, uint Minor, ulong Inode) Id, bool Ok) Identity(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0 || (*(uint*)buffer & StatxIno) == 0) return (default, false);
        return ((*(uint*)(buffer + DevMajorOffset), *(uint*)(buffer + DevMinorOffset), *(ulong*)(buffer + InoOffset)), true);
    }

    private static string Resolved(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        return (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true))?.FullName ?? info.FullName;
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
