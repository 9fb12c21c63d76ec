using Trainer.Training.Data;
using Trainer.Training.Metrics;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.IO;

/// <summary>A FIFO given where a file is read (an image to classify, a metrics log to plot) is refused at once, not waited on.</summary>
public sealed class FifoInputTests
{
    private static string MakeFifo(TempDirectory dir, string name)
    {
        string fifo = Path.Combine(dir.Path, name);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return fifo;
    }

    /// <summary>Runs <paramref name="read"/> and returns what it threw; fails if it blocks for 60 s (then unblocks it).</summary>
    private static async Task<Exception> ThrowsWithoutBlocking(string fifo, Action read)
    {
        var task = Task.Run(read);
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) != task)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // lets the blocked reader go
            Assert.Fail($"reading the FIFO {fifo} did not return within 60 s");
        }
        return await Assert.ThrowsAnyAsync<Exception>(() => task);
    }

    [Fact]
    public async Task An_image_that_is_a_fifo_is_a_one_line_data_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string fifo = MakeFifo(dir, "digit.png");
        var e = Assert.IsType<DatasetException>(await ThrowsWithoutBlocking(fifo, () => GrayscaleImage.Load(fifo)));
        Assert.StartsWith($"{fifo}: is not a regular file", e.Message);
    }

    [Fact]
    public async Task A_metrics_log_that_is_a_fifo_is_a_one_line_io_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string fifo = MakeFifo(dir, "m.jsonl");
        var e = Assert.IsAssignableFrom<IOException>(await ThrowsWithoutBlocking(fifo, () => MetricsLog.Read(fifo)));
        Assert.Equal($"{fifo}: is not a regular file (a pipe, socket or terminal)", e.Message);
    }
}
