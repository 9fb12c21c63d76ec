using Trainer.Training.IO;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.IO;

/// <summary>One process at a time writes into a directory: a second claim fails at once, naming the holder's PID.</summary>
public sealed class DirectoryLockTests
{
    [Fact]
    public void A_second_claim_fails_naming_the_directory_and_the_holder()
    {
        using var dir = new TempDirectory();
        using (DirectoryLock.Acquire(dir.Path, "--save"))
        {
            var e = Assert.Throws<IOException>(() => DirectoryLock.Acquire(dir.Path, "--save"));
            string pid = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? $" (PID {Environment.ProcessId})" : "";
            Assert.Equal($"--save '{dir.Path}': in use by another trainer run{pid}; wait for it to end or save elsewhere", e.Message);
        }
        using (DirectoryLock.Acquire(dir.Path, "--save")) { } // released on dispose: claimable again
    }

    [Fact]
    public void A_claim_from_another_process_is_seen()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        // flock(1) holds the same kind of lock on the same file from another process (-o: its command does not inherit it).
        string lockFile = Path.Combine(dir.Path, DirectoryLock.FileName);
        using var holder = System.Diagnostics.Process.Start("flock", ["-o", lockFile, "sleep", "30"])!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            IOException? refused = null;
            while (refused is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    DirectoryLock.Acquire(dir.Path, "--save").Dispose();
                    Thread.Sleep(50); // flock has not taken it yet
                }
                catch (IOException e)
                {
                    refused = e;
                }
            }
            Assert.NotNull(refused);
            Assert.StartsWith($"--save '{dir.Path}': in use by another trainer run", refused.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        using (DirectoryLock.Acquire(dir.Path, "--save")) { } // the kernel dropped the killed holder's lock
    }

    [Fact]
    public void A_lock_file_that_is_a_fifo_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        SpecialFiles.MakeFifo(Path.Combine(dir.Path, DirectoryLock.FileName));
        var e = Assert.Throws<IOException>(() => DirectoryLock.Acquire(dir.Path, "--save"));
        Assert.Equal($"--save '{dir.Path}': its lock file '{DirectoryLock.FileName}' is a FIFO, not a plain file this run may rewrite; remove it", e.Message);
    }

    [Fact]
    public void A_lock_file_that_links_elsewhere_is_refused_and_its_target_untouched()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string precious = dir.Write("precious", "keep me"u8.ToArray());
        string lockFile = Path.Combine(dir.Path, DirectoryLock.FileName);
        File.CreateSymbolicLink(lockFile, precious);
        var e = Assert.Throws<IOException>(() => DirectoryLock.Acquire(dir.Path, "--save"));
        Assert.Equal($"--save '{dir.Path}': its lock file '{DirectoryLock.FileName}' is a symbolic link, not a plain file this run may rewrite; remove it", e.Message);

        File.Delete(lockFile);
        using (var ln = System.Diagnostics.Process.Start("ln", [precious, lockFile])!) ln.WaitForExit();
        e = Assert.Throws<IOException>(() => DirectoryLock.Acquire(dir.Path, "--save"));
        Assert.Equal($"--save '{dir.Path}': its lock file '{DirectoryLock.FileName}' is a file with 2 hard links, not a plain file this run may rewrite; remove it", e.Message);
        Assert.Equal("keep me", File.ReadAllText(precious));
    }

    [Fact]
    public void Stale_temporary_files_of_dead_processes_are_removed_and_nothing_else()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        int dead = SpecialFiles.DeadPid();
        string[] stale = [$".last.safetensors.{dead}.tmp", $".epoch-2.safetensors.{dead}.tmp"];
        string[] kept =
        [
            $".last.safetensors.1.tmp",                         // PID 1 is alive
            $".last.safetensors.{Environment.ProcessId}.tmp",   // this process's own
            $".notes.txt.{dead}.tmp",                           // not a name the caller writes
            $".last.safetensors.{dead}.tmp.bak",                // not the pattern
            $".last.safetensors.x{dead}.tmp",                   // not a PID
            $"last.safetensors.{dead}.tmp",                     // no leading dot
            "last.safetensors",
        ];
        foreach (string name in stale.Concat(kept)) File.WriteAllText(Path.Combine(dir.Path, name), "x");
        var removed = DurableFile.RemoveStaleTemporaryFiles(dir.Path, name => name.EndsWith(".safetensors", StringComparison.Ordinal));
        Assert.Equal(stale.Order(), removed.Order());
        Assert.Equal(kept.Order(), Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }
}
