using Trainer.Training.IO;
using Trainer.Training.Metrics;

namespace Trainer.Cli.Tests;

/// <summary>
/// A full disk under --metrics costs the metrics, never a checkpoint: the run warns once, goes on and saves every
/// epoch; the torn line it leaves is skipped with a warning by plot, and a resumed run appends from a new line.
/// </summary>
public sealed class MetricsFailureTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private const string Warning = "skipped a torn line (a record cut off part-way, e.g. by a full disk)";

    [TmpfsFact]
    public void A_full_disk_under_metrics_costs_no_checkpoint_and_leaves_a_log_plot_still_draws()
    {
        using var disk = TinyFileSystem.TryMount(64, out string why) ?? throw new InvalidOperationException(why);
        // A log just short of a page, then no free page: the run's first record crosses into the page it cannot get.
        string metrics = disk.File("m.jsonl");
        using (var writer = new MetricsWriter(metrics))
            for (long step = 0; new FileInfo(metrics).Length < 4096 - 60; step++) writer.WriteStep(1, step, 2.3, 0.01, 100);
        disk.Fill(0);

        string save = dir.File("run");
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--metrics", metrics, "--save", save);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [$"warning: --metrics '{metrics}': cannot append (no space left on device); no more metrics are written, training and checkpoints go on"],
            result.StderrLines);
        Assert.True(File.Exists(Path.Combine(save, "epoch-1.safetensors")));
        Assert.True(File.Exists(Path.Combine(save, "epoch-2.safetensors")));
        Assert.Contains("Done!", result.Stdout);
        Assert.Equal(4096, new FileInfo(metrics).Length); // the page filled to its end: a torn last line
        Assert.NotEqual((byte)'\n', File.ReadAllBytes(metrics)[^1]);

        // plot draws the whole records and says which line it skipped
        string log = dir.File("copy.jsonl");
        File.Copy(metrics, log);
        int lines = File.ReadAllBytes(log).Count(b => b == '\n') + 1;
        var plot = Cli.Run("plot", log, "--out", dir.File("curves.png"));
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.Equal([$"warning: {log}:{lines}: {Warning}"], plot.StderrLines);

        // a resumed run appends from a new line, so the log reads with the fragment skipped in the middle
        var resumed = Cli.Run("train", "--device", "cpu", "--epochs", "3", "--progress", "none", "--metrics", log, "--resume", Path.Combine(save, "last.safetensors"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var warnings = new List<string>();
        var records = MetricsLog.Read(log, warnings.Add);
        Assert.Equal([$"{log}:{lines}: {Warning}"], warnings);
        Assert.Equal(3, records.Last(r => r.IsEpoch).Epoch);
    }

    [TmpfsFact]
    public void A_full_disk_under_save_is_one_line_and_leaves_no_temporary_file()
    {
        using var disk = TinyFileSystem.TryMount(64, out string why) ?? throw new InvalidOperationException(why);
        string save = disk.File("run"); // a checkpoint (2.6 MB) cannot fit in 64 KiB
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--progress", "none", "--save", save);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: '{save}/epoch-1.safetensors': no space left on device", result.SingleErrorLine());
        Assert.Equal([DirectoryLock.FileName], Directory.GetFiles(save).Select(Path.GetFileName));
    }

    [Fact]
    public void A_log_ending_in_a_fragment_is_plotted_with_a_warning()
    {
        string log = dir.File("m.jsonl");
        SyntheticMetrics.Write(log);
        File.AppendAllText(log, "{\"kind\":\"step\",\"epoch\":2,\"step\":400,\"lo");
        var result = Cli.Run("plot", log, "--out", dir.File("c.png"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([$"warning: {log}:{2 * SyntheticMetrics.StepsPerEpoch + 3}: {Warning}"], result.StderrLines);
    }
}
