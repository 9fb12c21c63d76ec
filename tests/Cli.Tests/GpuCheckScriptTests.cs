using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>
/// scripts/gpu-check.sh must fit one device call of 540 s: its steps' timeouts, plus each one's kill
/// grace and the summary's reserve, must add up to less. Reads the script's text; no device, no run.
/// </summary>
[Trait("Category", "Fast")]
public sealed class GpuCheckScriptTests
{
    private static readonly string Script = File.ReadAllText(Path.Combine(RepositoryRoot(), "scripts", "gpu-check.sh"));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "gpu.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no gpu.sln above {AppContext.BaseDirectory}");
    }

    private static int Setting(string name) => int.Parse(Regex.Match(Script, $@"^{name}=(\d+)", RegexOptions.Multiline).Groups[1].Value);

    /// <summary>Every `run NAME SECONDS ...` line (the loop's torch step counts once per pass).</summary>
    private static List<(string Name, int Seconds)> Steps() =>
        Regex.Matches(Script, @"^\s*(?:OK_RC=""[^""]*""\s+)?run\s+(""?[\w$-]+""?)\s+(\d+)\s", RegexOptions.Multiline)
            .Select(m => (m.Groups[1].Value.Trim('"'), int.Parse(m.Groups[2].Value)))
            .SelectMany(s => s.Item1.Contains("$on") ? [("torch-host", s.Item2), ("torch-device", s.Item2)] : new[] { s })
            .ToList();

    [Fact]
    public void TheStepsTimeoutsAddUpToLessThanTheBudget()
    {
        var steps = Steps();
        int budget = Setting("budget"), grace = Setting("grace"), reserve = Setting("summary_reserve");
        Assert.Equal(540, budget);
        Assert.Equal(["devices", "selftest", "compare-b64", "compare-b64-cuda-graph-on", "compare-b512",
                "compare-lenet-b64", "compare-lenet-b64-cuda-graph-on", "compare-lenet-b512",
                "locate-eager", "locate-unfused", "train", "torch-host", "torch-device", "torch-lenet-b64", "torch-lenet-b512"],
            steps.Select(s => s.Name));
        int worst = steps.Sum(s => s.Seconds + grace) + reserve;
        Assert.True(worst < budget, $"the steps may take {worst} s with their kill grace and the summary's reserve, not under {budget} s");
        Assert.True(steps.Sum(s => s.Seconds) <= 480, $"the timeouts add up to {steps.Sum(s => s.Seconds)} s; keep 60 s of the 540 for unpacking and grace");
    }

    [Fact]
    public void EveryStepRunsUnderATimeoutWithAKillGrace()
    {
        Assert.Contains("timeout -k \"$grace\" \"$seconds\" \"$@\"", Script);
        Assert.Contains("timeout \"$summary_reserve\" \"$py\" - \"$out\" <<'PY'", Script);
        // Nothing may start the bundle or python as a statement outside `run` and `timeout`: it would escape the budget.
        foreach (var line in Script.Split('\n').Where(l => Regex.IsMatch(l, @"^\s*""\$(trainer|py)""\s")))
            Assert.Fail($"a step outside run: {line.Trim()}");
    }

    [Fact]
    public void TheScriptParses()
    {
        using var bash = Process.Start(new ProcessStartInfo("/bin/bash", ["-n", Path.Combine(RepositoryRoot(), "scripts", "gpu-check.sh")])
        {
            RedirectStandardError = true,
        })!;
        string error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, error);
    }
}
