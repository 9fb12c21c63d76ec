using System.Diagnostics;
using System.Globalization;
using Trainer.Training.Checkpoints;
using Trainer.Training.Metrics;
using Trainer.Training.Tests.Distributed;
using Xunit.Abstractions;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer train --ranks 2` on this machine over loopback against one process with the same global batch: the
/// reference is the single-process run itself (the same samples per step; only the order in which per-row
/// gradients are summed differs), compared through the metrics log (losses at full precision) and the saved weights.
/// </summary>
public class DataParallelTrainingTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory dir = new();

    // The ranks sum per-row gradients in another order than one process (32 rows, then across ranks), so the runs
    // part by rounding: 4e-9 after one step, 2e-8 after 190 (seed 5, checkpoints every 10 steps). Where a ReLU's
    // input lies within that rounding of 0 it switches in one run and not the other, and its gradient moves the
    // weights by about 2e-5 at once (seed 5, step 190 to 200): after 250 steps, losses within 1.2e-5 relative and
    // weights within 4e-5 with that seed, 1.3e-6 and 1.2e-5 with seed 0. A gradient off by 1% (lr 0.0101 against
    // 0.01) moves the weights 4.6e-4 in the same 250 steps: these bounds still catch a reduction that is wrong.
    private const double LossTolerance = 5e-5, WeightTolerance = 1e-4;

    public void Dispose() => dir.Dispose();

    private (CliResult Result, IReadOnlyList<MetricsRecord> Metrics, SafeTensorsFile Weights) Train(string name, params string[] rest)
    {
        string save = dir.File(name), metrics = dir.File(name + ".jsonl");
        var clock = Stopwatch.StartNew();
        var result = Cli.Run(["train", "--device", "cpu", "--seed", "5", "--progress", "none", "--save", save, "--metrics", metrics, .. rest]);
        log.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F1} s\n{result}");
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result, MetricsLog.Read(metrics), SafeTensors.Read(Path.Combine(save, "last.safetensors")));
    }

    [MpiRunFact]
    public void Two_ranks_train_the_mlp_like_one_process_for_two_epochs() =>
        AssertSameTraining("graph", epochs: 2, ranks: 2, "--mode", "graph");

    [MpiRunFact]
    public void Two_ranks_in_eager_mode_reduce_at_the_end_of_value_and_grad() =>
        AssertSameTraining("eager", epochs: 1, ranks: 2, "--mode", "eager");

    [MpiRunFact]
    public void Three_ranks_with_shards_of_unequal_size_and_an_empty_one_still_give_the_global_mean()
    {
        // 8000 rows in batches of 3999: two full batches (1333 rows a rank) and a last batch of 2 rows, of which
        // rank 0 owns none; the test set is one batch of 2000 (666, 667, 667).
        AssertSameTraining("ragged", epochs: 2, ranks: 3, "--batch-size", "3999");
    }

    // Every rank draws, for its rows, the factors one process draws for them (element indices of the global batch),
    // so the runs part only by the rounding above. A batch of 63 gives rank 1 the rows from 31 of each full batch.
    /// <summary>
    /// <paramref name="train"/> random training images (1,280: 21 batches of 63, the last of 20) and 130 test images
    /// (a short last batch): small runs, so a test costs mostly the ranks' start.
    /// </summary>
    private string TinyData(int train = 1280)
    {
        string data = dir.File($"tiny-{train}");
        if (Directory.Exists(data)) return data;
        Directory.CreateDirectory(data);
        MnistFiles.WriteAll(data, train, test: 130);
        return data;
    }

    // A batch of 63 gives rank 1 the rows from 31 of each full batch; a run of 2 ranks resumed from the single
    // process's mid-epoch checkpoint goes on drawing its masks (the generator's step is in the checkpoint).
    [MpiRunFact]
    public void Two_ranks_draw_the_dropout_masks_of_one_process_in_the_mlp_also_from_a_mid_epoch_checkpoint()
    {
        var one = AssertSameTraining("dropout-mlp", epochs: 1, ranks: 2, "--data", TinyData(), "--dropout", "0.5", "--batch-size", "63", "--save-every", "7");
        var resumed = Train("dropout-from-one", "--epochs", "1", "--ranks", "2", "--data", TinyData(), "--resume", Path.Combine(dir.File("dropout-mlp-1"), "step-7.safetensors"));
        AssertContinues("dropout, 1 process, then 2 ranks from step 7", one, resumed);
        var states = one.Weights.Entries.Where(e => e.Name.EndsWith(".rng_state", StringComparison.Ordinal)).Select(e => e.Name).ToList();
        Assert.Equal(2, states.Count);
        foreach (string state in states)
            Assert.Equal(one.Weights.ReadFloat32(state, [6]), resumed.Weights.ReadFloat32(state, [6]));
    }

    [MpiRunFact]
    public void Two_ranks_draw_the_dropout_masks_of_one_process_in_lenet() =>
        AssertSameTraining("dropout-lenet", epochs: 1, ranks: 2, "--model", "lenet", "--data", TinyData(), "--dropout", "0.5");

    /// <summary>
    /// ResNet-8 with 2 ranks: each normalises with its own rows' statistics, and the running statistics are averaged
    /// over the ranks before each evaluation and each checkpoint, so both ranks evaluate one model and the checkpoint
    /// is that model: one process evaluating it gets the figures the 2 ranks logged (with rank 1's own statistics
    /// for its half of the test set they differ). 320 random images, 130 test (a short last batch), 5 steps.
    /// </summary>
    [MpiRunFact]
    public void Resnet8_with_two_ranks_saves_and_evaluates_the_running_statistics_averaged_over_the_ranks()
    {
        string data = TinyData(train: 320);
        var run = Train("resnet8", "--model", "resnet8", "--optimizer", "momentum", "--data", data, "--epochs", "1", "--ranks", "2", "--save-every", "3");
        var logged = run.Metrics.Last(m => m.IsEpoch);
        var statistics = run.Weights.Entries.Where(e => e.Name.EndsWith(".moving_mean", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, statistics.Count);
        Assert.All(statistics, e => Assert.Contains(run.Weights.ReadFloat32(e.Name, [(int)e.Shape[0]]), v => v != 0f)); // trained, not the initial zeros

        foreach (string checkpoint in new[] { "last.safetensors", "step-3.safetensors" })
        {
            var eval = Cli.Run(["eval", "--device", "cpu", "--data", data, "--checkpoint", Path.Combine(dir.File("resnet8"), checkpoint)]);
            log.WriteLine(eval.ToString());
            Assert.True(eval.ExitCode == 0, eval.ToString());
            if (checkpoint != "last.safetensors") continue;
            var figures = System.Text.RegularExpressions.Regex.Match(eval.Stdout, @"Accuracy: ([0-9.]+)%, Avg loss: ([0-9.]+)");
            Assert.True(figures.Success, eval.Stdout);
            double accuracy = double.Parse(figures.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
            double loss = double.Parse(figures.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(accuracy - logged.TestAccuracy!.Value) <= 0.0015, $"one process evaluates the checkpoint at {accuracy:P1}, the 2 ranks logged {logged.TestAccuracy:P1}");
            // The same model: only the order of the loss sums and eval's six printed decimals differ (rank 1's own
            // statistics for its half, without the averaging, moved the loss by 4.5e-5 in this run).
            Assert.True(Math.Abs(loss - logged.TestLoss!.Value) <= 5e-6, $"one process evaluates the checkpoint at loss {loss}, the 2 ranks logged {logged.TestLoss:R}");
            log.WriteLine($"the checkpoint evaluated by one process: loss {loss}, logged by the 2 ranks {logged.TestLoss:R}");
        }
    }

    /// <summary>One process against <paramref name="ranks"/> ranks: the log, every logged loss, the test figures and the weights; returns the one process's run.</summary>
    private (CliResult Result, IReadOnlyList<MetricsRecord> Metrics, SafeTensorsFile Weights) AssertSameTraining(string name, int epochs, int ranks, params string[] rest)
    {
        string e = epochs.ToString(CultureInfo.InvariantCulture);
        var one = Train(name + "-1", ["--epochs", e, .. rest]);
        var many = Train(name + "-n", ["--epochs", e, "--ranks", ranks.ToString(CultureInfo.InvariantCulture), .. rest]);

        // Rank 0 alone prints: the tutorial's log once, with the same lines as one process, losses to rounding.
        var lines = many.Result.StdoutLines;
        Assert.Single(lines, l => l == "Epoch 1");
        Assert.Contains(lines, l => l.StartsWith($"ranks: {ranks} (Open MPI)", StringComparison.Ordinal));
        Assert.Equal(one.Result.StdoutLines.Count(l => l.StartsWith("loss: ", StringComparison.Ordinal)),
            lines.Count(l => l.StartsWith("loss: ", StringComparison.Ordinal)));
        Assert.Empty(many.Result.StderrLines);

        Assert.Equal(one.Metrics.Select(m => (m.Kind, m.Epoch, m.Step)), many.Metrics.Select(m => (m.Kind, m.Epoch, m.Step)));
        double worstLoss = 0;
        foreach (var (a, b) in one.Metrics.Zip(many.Metrics))
        {
            double relative = Math.Abs(a.Loss - b.Loss) / Math.Abs(a.Loss);
            worstLoss = Math.Max(worstLoss, relative);
            Assert.True(relative <= LossTolerance, $"epoch {a.Epoch} step {a.Step}: loss {a.Loss:R} with one process, {b.Loss:R} with {ranks} ranks");
            if (a.IsEpoch)
            {
                Assert.True(Math.Abs(a.TestAccuracy!.Value - b.TestAccuracy!.Value) <= 0.001, $"epoch {a.Epoch}: test accuracy {a.TestAccuracy} against {b.TestAccuracy}");
                Assert.True(Math.Abs(a.TestLoss!.Value - b.TestLoss!.Value) <= LossTolerance * a.TestLoss.Value, $"epoch {a.Epoch}: test loss {a.TestLoss} against {b.TestLoss}");
            }
        }

        // The weights every rank holds (rank 0 saved them) against one process's.
        Assert.Equal(one.Weights.Entries.Select(x => x.Name), many.Weights.Entries.Select(x => x.Name));
        double worstWeight = 0, worstNorm = 0;
        foreach (var entry in one.Weights.Entries)
        {
            var shape = entry.Shape.Select(d => (int)d).ToArray();
            var a = one.Weights.ReadFloat32(entry.Name, shape);
            var b = many.Weights.ReadFloat32(entry.Name, shape);
            double diff2 = 0, norm2 = 0, worst = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double d = (double)a[i] - b[i];
                diff2 += d * d;
                norm2 += (double)a[i] * a[i];
                worst = Math.Max(worst, Math.Abs(d));
            }
            double relativeNorm = Math.Sqrt(diff2 / norm2);
            worstWeight = Math.Max(worstWeight, worst);
            worstNorm = Math.Max(worstNorm, relativeNorm);
            Assert.True(worst <= WeightTolerance && relativeNorm <= WeightTolerance, $"{entry.Name}: largest difference {worst:E2}, relative to the norm {relativeNorm:E2}");
        }
        log.WriteLine($"{ranks} ranks against one process: losses within {worstLoss:E2} relative, weights within {worstWeight:E2} (relative to the norm {worstNorm:E2})");
        return one;
    }

    [MpiRunFact]
    public void A_checkpoint_resumes_with_another_number_of_ranks()
    {
        var reference = Train("ref", "--epochs", "2");
        // Saved by 2 ranks after epoch 1, continued by one process; saved by one process mid-epoch, continued by 2 ranks.
        Train("two", "--epochs", "1", "--ranks", "2");
        var fromTwo = Train("from-two", "--epochs", "2", "--resume", Path.Combine(dir.File("two"), "epoch-1.safetensors"));
        Train("one", "--epochs", "1", "--save-every", "100");
        var fromOne = Train("from-one", "--epochs", "2", "--ranks", "2", "--resume", Path.Combine(dir.File("one"), "step-100.safetensors"));

        AssertContinues("2 ranks, then 1", reference, fromTwo);
        AssertContinues("1, then 2 ranks from step 100", reference, fromOne);
    }

    /// <summary>A resumed run's last epoch and saved weights against the run never stopped, to the rounding of the ranks' sums.</summary>
    private static void AssertContinues(string name, (CliResult Result, IReadOnlyList<MetricsRecord> Metrics, SafeTensorsFile Weights) reference,
        (CliResult Result, IReadOnlyList<MetricsRecord> Metrics, SafeTensorsFile Weights) resumed)
    {
        Assert.Contains(resumed.Result.StdoutLines, l => l.StartsWith("resumed: ", StringComparison.Ordinal));
        var want = reference.Metrics.Last(m => m.IsEpoch);
        var got = resumed.Metrics.Last(m => m.IsEpoch);
        Assert.Equal((want.Epoch, want.Step), (got.Epoch, got.Step));
        Assert.True(Math.Abs(want.TestAccuracy!.Value - got.TestAccuracy!.Value) <= 0.001, $"{name}: test accuracy {got.TestAccuracy} against {want.TestAccuracy}");
        Assert.True(Math.Abs(want.TestLoss!.Value - got.TestLoss!.Value) <= LossTolerance * want.TestLoss.Value, $"{name}: test loss {got.TestLoss} against {want.TestLoss}");
        foreach (var entry in reference.Weights.Entries)
        {
            var shape = entry.Shape.Select(d => (int)d).ToArray();
            var a = reference.Weights.ReadFloat32(entry.Name, shape);
            var b = resumed.Weights.ReadFloat32(entry.Name, shape);
            double worst = a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));
            Assert.True(worst <= WeightTolerance, $"{name}: {entry.Name} differs by up to {worst:E2} from the run never stopped");
        }
    }

    [MpiRunFact]
    public Task Killing_one_rank_mid_epoch_ends_the_job_with_a_line_naming_it() =>
        AssertOneRankStoppedEndsTheJob(stop: false,
            @"^error: rank 1 \((pid \d+ )?on \S+\) died: signal 9 \(Killed\); mpirun stopped the other ranks$");

    [MpiRunFact]
    public Task A_rank_that_stops_answering_ends_the_job_after_the_collective_timeout() =>
        AssertOneRankStoppedEndsTheJob(stop: true,
            @"^error: rank 0 of 2: the all-reduce of gradients or losses waited \d+ s for the other ranks, so one of them stopped answering or lost its connection \(--rank-timeout 8\); ending the job$");

    /// <summary>
    /// Rank 1 killed (SIGKILL) or stopped (SIGSTOP) in the second epoch: one line, exit 1, every process gone within
    /// 30 s. The timeout is 8 s, not less, so that a rank slowed by other test processes on the same two cores does
    /// not time out before rank 1 is stopped.
    /// </summary>
    private async Task AssertOneRankStoppedEndsTheJob(bool stop, string expectedError)
    {
        var trainer = Path.Combine(AppContext.BaseDirectory, "trainer.dll");
        var start = new ProcessStartInfo(DotnetHost(), [trainer, "train", "--device", "cpu", "--epochs", "1000", "--ranks", "2", "--progress", "none", "--rank-timeout", "8"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var launcher = Process.Start(start)!;
        var stderr = launcher.StandardError.ReadToEndAsync();
        try
        {
            // Wait until training is under way: rank 0 has logged a step of the second epoch.
            var seen = new List<string>();
            while (launcher.StandardOutput.ReadLine() is { } line)
            {
                seen.Add(line);
                if (line == "Epoch 2") break;
            }
            if (!seen.Contains("Epoch 2")) Assert.Fail($"the job ended before its second epoch:\n{string.Join('\n', seen)}\n{await stderr}");
            var rank1 = RankProcess(1, launcher.Id) ?? throw new Xunit.Sdk.XunitException("found no process of rank 1 under the launcher");
            var rank0 = RankProcess(0, launcher.Id) ?? throw new Xunit.Sdk.XunitException("found no process of rank 0 under the launcher");
            var clock = Stopwatch.StartNew();
            if (stop) Process.Start("kill", ["-STOP", rank1.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            else Process.GetProcessById(rank1).Kill();
            var rest = launcher.StandardOutput.ReadToEndAsync();
            // Keep reading stdout, or a launcher blocked writing it could not exit.
            Assert.True(launcher.WaitForExit(TimeSpan.FromSeconds(30)), $"the job was still running 30 s after rank 1 was {(stop ? "stopped" : "killed")}");
            launcher.WaitForExit();
            string errors = await stderr;
            log.WriteLine($"ended {clock.Elapsed.TotalSeconds:F2} s after rank 1 was {(stop ? "stopped" : "killed")}, exit {launcher.ExitCode}\n{errors}");
            Assert.Equal(1, launcher.ExitCode);
            var error = Assert.Single(CliResult.Lines(errors));
            Assert.Matches(expectedError, error);
            // mpirun has signalled rank 0 and returned; give it what is left of the 30 s to be gone.
            foreach (var (pid, name) in new[] { (rank0, "rank 0"), (rank1, "rank 1") })
            {
                while (Alive(pid) && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
                Assert.True(!Alive(pid), $"{name} (pid {pid}) was still running 30 s after rank 1 was {(stop ? "stopped" : "killed")}");
            }
            log.WriteLine($"every rank gone {clock.Elapsed.TotalSeconds:F2} s after rank 1 was {(stop ? "stopped" : "killed")}");
            await rest;
        }
        finally
        {
            if (!launcher.HasExited) launcher.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Asking_for_ranks_without_mpirun_names_what_to_install()
    {
        var trainer = Path.Combine(AppContext.BaseDirectory, "trainer.dll");
        var start = new ProcessStartInfo(DotnetHost(), [trainer, "train", "--ranks", "2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = dir.Path; // nothing there: no mpirun
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        int code = WaitFor(process);
        var result = new CliResult(code, await stdout, await stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --ranks 2 needs Open MPI's mpirun, which is not on the PATH; install it with `apt-get install openmpi-bin libopenmpi-dev`",
            result.SingleErrorLine());
        Assert.Empty(result.Stdout);
    }

    /// <summary>
    /// Under a bare `mpirun -np 2 trainer train ...` both ranks read the same command line. Run here as the
    /// processes mpirun would start (its environment variables, no MPI: every case ends before the job is joined).
    /// </summary>
    private async Task<CliResult> RunAsRank(int rank, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "trainer.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMPI_COMM_WORLD_SIZE"] = "2";
        start.Environment["OMPI_COMM_WORLD_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        int code = WaitFor(process);
        return new CliResult(code, await stdout, await stderr);
    }

    [Fact]
    public async Task Under_a_bare_mpirun_only_rank_0_reports_a_bad_command_line()
    {
        var leader = await RunAsRank(0, "train", "--epochs", "0");
        Assert.Equal(2, leader.ExitCode);
        Assert.StartsWith("error: --epochs", leader.SingleErrorLine());

        var other = await RunAsRank(1, "train", "--epochs", "0");
        Assert.Equal(2, other.ExitCode); // mpirun still sees the failure
        Assert.Equal("", other.Stderr);
        Assert.Equal("", other.Stdout);
    }

    [Fact]
    public async Task Only_rank_0_checks_and_creates_the_save_directory_and_the_metrics_path()
    {
        string save = dir.File("checkpoints"), metrics = Path.Combine(dir.File("no-such-directory"), "m.jsonl"), data = dir.File("no-data");
        string[] args = ["train", "--save", save, "--metrics", metrics, "--data", data];

        var leader = await RunAsRank(0, args);
        Assert.Equal(1, leader.ExitCode);
        Assert.StartsWith("error: --metrics", leader.SingleErrorLine());
        Assert.True(Directory.Exists(save), "rank 0 creates --save before any work");
        Directory.Delete(save);

        // Rank 1 writes neither, so it does not look at them: it gets as far as the data (missing here, for every rank).
        var other = await RunAsRank(1, args);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains(data, other.SingleErrorLine());
        Assert.DoesNotContain("--metrics", other.Stderr);
        Assert.False(Directory.Exists(save), "rank 1 created the --save directory");
    }

    [Fact]
    public void Ranks_must_be_a_positive_count_no_larger_than_the_batch()
    {
        var result = Cli.Run("train", "--ranks", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--ranks", result.SingleErrorLine());

        result = Cli.Run("train", "--ranks", "9", "--batch-size", "8");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --ranks 9 is more than the batch of 8: every rank needs a row of each batch (raise --batch-size) (see 'trainer train --help')",
            result.SingleErrorLine());
        Assert.Empty(result.Stdout);
    }

    private static int WaitFor(Process process)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;

    /// <summary>The pid of the process of MPI rank <paramref name="rank"/> descended from <paramref name="ancestor"/>, read from /proc.</summary>
    private static int? RankProcess(int rank, int ancestor)
    {
        string wanted = $"OMPI_COMM_WORLD_RANK={rank.ToString(CultureInfo.InvariantCulture)}";
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(entry, "environ")).Split('\0').Contains(wanted)) continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            for (int p = pid; p > 1; p = ParentOf(p))
                if (p == ancestor) return pid;
        }
        return null;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
