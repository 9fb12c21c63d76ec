using System.Diagnostics;

namespace Trainer.Cli.Tests;

/// <summary>
/// A tmpfs of a few kilobytes mounted for one test, to run out of space for real. Mounting needs root (or
/// CAP_SYS_ADMIN); where that is missing <see cref="TryMount"/> says why and the test is skipped.
/// </summary>
public sealed class TinyFileSystem : IDisposable
{
    private TinyFileSystem(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KiB, or returns null and the reason it cannot.</summary>
    public static TinyFileSystem? TryMount(int kilobytes, out string why)
    {
        why = "";
        if (!OperatingSystem.IsLinux()) { why = "tmpfs mounts need Linux"; return null; }
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trainer-tinyfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        if (code == 0) return new TinyFileSystem(path);
        Directory.Delete(path);
        why = $"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {error.Trim()}";
        return null;
    }

    /// <summary>Fills the file system until at most <paramref name="leaveBytes"/> are free (rounded to its 4 KiB pages).</summary>
    public void Fill(long leaveBytes)
    {
        using var filler = new FileStream(File(".filler"), FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var page = new byte[4096];
        try
        {
            while (new DriveInfo(Path).AvailableFreeSpace > leaveBytes) filler.Write(page);
        }
        catch (IOException)
        {
            // full already
        }
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    public void Dispose()
    {
        Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that needs <see cref="TinyFileSystem"/>: skipped, saying why, where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        using var probe = TinyFileSystem.TryMount(64, out string why);
        return probe is null ? why : null;
    });

    public TmpfsFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
