using System.Diagnostics;

namespace Trainer.Training.Tests.IO;

/// <summary>FIFOs and the PID of a process known to have exited, for tests of what a write or a lock must refuse.</summary>
internal static class SpecialFiles
{
    public static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>The PID of a child that has exited and been reaped (so no process has it, barring reuse in the moment).</summary>
    public static int DeadPid()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        child.WaitForExit();
        return child.Id;
    }
}
