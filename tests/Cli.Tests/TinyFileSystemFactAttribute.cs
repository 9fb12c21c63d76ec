using System.Diagnostics;

namespace Trainer.Cli.Tests;

/// <summary>
/// A fact that needs to mount a small tmpfs (to fill a disk for real): skipped, saying why, where this
/// process may not mount (not root, or a container without the capability).
/// </summary>
public sealed class TinyFileSystemFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public TinyFileSystemFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    /// <summary>Runs <paramref name="command"/> with <paramref name="args"/>; its exit code (-1 when it cannot start).</summary>
    public static int Run(string command, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux()) return "mounting a tmpfs needs Linux";
        string probe = Path.Combine(Path.GetTempPath(), "trainer-tmpfs-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            if (Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe) != 0)
                return "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN) to fill a disk";
            Run("umount", probe);
            return null;
        }
        finally
        {
            Directory.Delete(probe);
        }
    }
}
