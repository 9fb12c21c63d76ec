using System.Diagnostics;
using Trainer.Training.IO;

namespace Trainer.Cli.Tests;

/// <summary>
/// Every output of every command is a regular file or a missing name (checkpoints of every name, --metrics,
/// plot --out, graph --out, compare --json), the --save directory is one run's at a time, and no output may be one
/// of the command's inputs however it is spelled. Each refusal is one line and exit 1, before any training.
/// </summary>
public sealed class WriteTargetCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string Fifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    private static void AssertRefused(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("error: " + expected, result.SingleErrorLine());
        Assert.DoesNotContain("Epoch 1", result.Stdout); // refused before training
    }

    private static CliResult Train(params string[] rest) => Cli.Run(["train", "--device", "cpu", "--epochs", "1", "--progress", "none", .. rest]);

    [Fact]
    public void Checkpoint_names_that_link_to_a_fifo_or_a_device_are_refused_and_left_alone()
    {
        if (!OperatingSystem.IsLinux()) return;
        string save = dir.File("run");
        Directory.CreateDirectory(save);
        string fifo = Fifo(dir.File("pipe"));
        File.CreateSymbolicLink(Path.Combine(save, "epoch-1.safetensors"), fifo);
        AssertRefused(Train("--save", save), $"--save '{save}/epoch-1.safetensors': is not a regular file (a FIFO)");
        Assert.Equal("a FIFO", FileKind.NotRegular(fifo));

        File.Delete(Path.Combine(save, "epoch-1.safetensors"));
        File.CreateSymbolicLink(Path.Combine(save, "step-50.safetensors"), "/dev/null");
        AssertRefused(Train("--save", save, "--save-every", "50"), $"--save '{save}/step-50.safetensors': is not a regular file (a character device)");

        File.Delete(Path.Combine(save, "step-50.safetensors"));
        Fifo(Path.Combine(save, "epoch-2.safetensors"));
        AssertRefused(Train("--save", save), $"--save '{save}/epoch-2.safetensors': is not a regular file (a FIFO)");
    }

    [Fact]
    public void Metrics_and_plot_outputs_that_are_not_regular_files()
    {
        if (!OperatingSystem.IsLinux()) return;
        AssertRefused(Train("--metrics", "/dev/null"), "--metrics '/dev/null': is not a regular file (a character device)");
        string fifo = Fifo(dir.File("m.jsonl"));
        AssertRefused(Train("--metrics", fifo), $"--metrics '{fifo}': is not a regular file (a FIFO)");
        string log = dir.File("log.jsonl");
        SyntheticMetrics.Write(log);
        string png = Fifo(dir.File("curves.png"));
        AssertRefused(Cli.Run("plot", log, "--out", png), $"--out '{png}': is not a regular file (a FIFO)");
        AssertRefused(Cli.Run("graph", "--out", "/dev/zero"), "--out '/dev/zero': is not a regular file (a character device)");
    }

    [Fact]
    public void A_second_run_on_a_locked_save_directory_is_refused_naming_the_holder()
    {
        string save = dir.File("run");
        Directory.CreateDirectory(save);
        using (DirectoryLock.Acquire(save, "--save")) // as a run in progress holds it
        {
            string pid = OperatingSystem.IsLinux() ? $" (PID {Environment.ProcessId})" : "";
            AssertRefused(Train("--save", save), $"--save '{save}': in use by another trainer run{pid}; wait for it to end or save elsewhere");
            Assert.False(File.Exists(Path.Combine(save, "last.safetensors")));
        }
        var result = Train("--save", save); // released: the next run takes it
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(save, "last.safetensors")));
    }

    [Fact]
    public void Outputs_that_are_inputs_are_refused_however_spelled()
    {
        if (!OperatingSystem.IsLinux()) return;
        string data = dir.File("data");
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TrainImages), MnistFiles.Images(128, 1));
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TrainLabels), MnistFiles.Labels(128, 2));
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TestImages), MnistFiles.Images(64, 3));
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TestLabels), MnistFiles.Labels(64, 4));
        string trainImages = Path.Combine(data, MnistFiles.TrainImages);

        // --metrics another spelling of a data file
        string spelled = Path.Combine(data, ".", "..", "data", MnistFiles.TestLabels);
        AssertRefused(Train("--data", data, "--metrics", spelled),
            $"--metrics '{spelled}': is the same file as --data '{Path.Combine(data, MnistFiles.TestLabels)}', which this command reads; write elsewhere");

        // compare --json onto a data file through a symbolic link
        string json = dir.File("figures.json");
        File.CreateSymbolicLink(json, Path.Combine(data, MnistFiles.TestImages));
        AssertRefused(Cli.Run("compare", "--device", "cpu", "--data", data, "--json", json),
            $"--json '{json}': is the same file as --data '{Path.Combine(data, MnistFiles.TestImages)}', which this command reads; write elsewhere");

        // a checkpoint name that is a hard link to a data file
        string save = dir.File("run");
        Directory.CreateDirectory(save);
        using (var ln = Process.Start("ln", [trainImages, Path.Combine(save, "epoch-1.safetensors")])!) ln.WaitForExit();
        AssertRefused(Train("--data", data, "--save", save),
            $"--save '{save}/epoch-1.safetensors': is the same file as --data '{trainImages}', which this command reads; write elsewhere");
        Assert.Equal(MnistFiles.Images(128, 1), File.ReadAllBytes(trainImages));

        // a checkpoint name that links to the metrics log
        File.Delete(Path.Combine(save, "epoch-1.safetensors"));
        string metrics = dir.File("m.jsonl");
        File.WriteAllText(metrics, "");
        File.CreateSymbolicLink(Path.Combine(save, "last.safetensors"), metrics);
        AssertRefused(Train("--data", data, "--save", save, "--metrics", metrics),
            $"--save '{save}/last.safetensors': is the same file as --metrics '{metrics}', which this command reads; write elsewhere");

        // plot drawing over its own log
        string log = dir.File("log.jsonl");
        SyntheticMetrics.Write(log);
        string again = Path.Combine(dir.Path, "sub", "..", "log.jsonl");
        Directory.CreateDirectory(dir.File("sub"));
        AssertRefused(Cli.Run("plot", log, "--out", again),
            $"--out '{again}': is the same file as the metrics log '{log}', which this command reads; write elsewhere");
        Assert.Equal(SyntheticMetrics.StepsPerEpoch * 2 + 2, File.ReadAllLines(log).Length);
    }

    [Fact]
    public void A_name_that_comes_to_point_at_an_input_during_the_run_is_refused_when_written()
    {
        if (!OperatingSystem.IsLinux()) return;
        // step-50 links to a metrics log that does not exist yet: harmless at the start, the log itself once the run has created it.
        string save = dir.File("run"), metrics = dir.File("m.jsonl");
        Directory.CreateDirectory(save);
        string step50 = Path.Combine(save, "step-50.safetensors");
        File.CreateSymbolicLink(step50, metrics);
        var result = Train("--save", save, "--save-every", "50", "--metrics", metrics);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: --save '{step50}': is the same file as --metrics '{metrics}', which this command reads; write elsewhere", result.SingleErrorLine());
        Assert.Contains("Epoch 1", result.Stdout); // refused at the write, 50 steps in
        Assert.StartsWith("{\"kind\":\"step\"", File.ReadAllText(metrics)); // the log is still a log
    }

    [Fact]
    public void Metrics_into_the_resumed_checkpoint_is_refused_but_saving_over_it_is_how_a_run_goes_on()
    {
        string save = dir.File("run");
        Assert.Equal(0, Train("--save", save).ExitCode);
        string last = Path.Combine(save, "last.safetensors");
        AssertRefused(Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", last, "--metrics", last),
            $"--metrics '{last}': is the same file as --resume '{last}', which this command reads; write elsewhere");
        var resumed = Cli.Run("train", "--device", "cpu", "--epochs", "2", "--progress", "none", "--resume", last, "--save", save);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(File.Exists(Path.Combine(save, "epoch-2.safetensors")));
    }

    [Fact]
    public void Temporary_files_that_killed_saves_left_are_removed_at_the_next_run_and_only_those()
    {
        if (!OperatingSystem.IsLinux()) return;
        string save = dir.File("run");
        Directory.CreateDirectory(save);
        int dead;
        using (var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            child.WaitForExit();
            dead = child.Id;
        }
        string[] stale = [$".last.safetensors.{dead}.tmp", $".step-50.safetensors.{dead}.tmp"];
        string[] kept = [".last.safetensors.1.tmp", $".notes.txt.{dead}.tmp"];
        foreach (string name in stale.Concat(kept)) File.WriteAllText(Path.Combine(save, name), "partial");
        var result = Train("--save", save);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(stale.Select(s => $"note: --save '{save}': removed '{s}', left by a save that was killed").Order(), result.StderrLines.Order());
        foreach (string name in stale) Assert.False(File.Exists(Path.Combine(save, name)), name);
        foreach (string name in kept) Assert.True(File.Exists(Path.Combine(save, name)), name);
    }
}
