using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Trainer.Cli.Commands;

/// <summary>
/// `trainer train --ranks N`: starts Open MPI's <c>mpirun -np N</c> on this machine running this same trainer with
/// the same arguments (less <c>--ranks</c>), passes rank 0's log through, and turns mpirun's report of a rank that
/// died into one line naming it. mpirun stops the other ranks as soon as one dies, so the job ends rather than
/// hanging in a collective.
/// </summary>
internal static partial class RankLauncher
{
    /// <summary>The exit code when a rank died without reporting an error of its own (killed, crashed).</summary>
    public const int RankDiedExitCode = 1;

    /// <summary>mpirun's line for a rank killed by a signal, e.g. "mpirun noticed that process rank 1 with PID 4242 on node box exited on signal 9 (Killed).".</summary>
    [GeneratedRegex(@"process rank (\d+) with PID (\d+) on node (\S+) exited on signal (\d+)(?: \(([^)]*)\))?")]
    private static partial Regex SignalledRank();

    /// <summary>mpirun's banner line naming a rank that exited with a non-zero status, e.g. "Process name: [[123,1],1]  Exit code: 70".</summary>
    [GeneratedRegex(@"Process name: \[\[\d+,\d+\],(\d+)\]")]
    private static partial Regex ExitedRank();

    /// <summary>Runs <paramref name="childArgs"/> (a `train` command line without --ranks) on <paramref name="ranks"/> ranks; returns the exit code.</summary>
    public static int Run(int ranks, IReadOnlyList<string> childArgs, TextWriter output, TextWriter error)
    {
        string mpirun = FindOnPath("mpirun")
            ?? throw new UsageException($"--ranks {ranks} needs Open MPI's mpirun, which is not on the PATH; install it with `{Training.Distributed.MpiJob.InstallHint}`");
        var start = new ProcessStartInfo(mpirun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in MpirunArguments(ranks)) start.ArgumentList.Add(a);
        foreach (var a in SelfCommand()) start.ArgumentList.Add(a);
        start.ArgumentList.Add("train");
        foreach (var a in childArgs) start.ArgumentList.Add(a);

        start.Environment["TERM"] = "dumb"; // the ranks' output is a pipe: no terminal escapes from their Console
        using var process = Process.Start(start) ?? throw new IOException($"could not start {mpirun}");
        // The ranks' own stderr lines (progress, warnings) pass through as they come, and of their one-line errors
        // the first: the others are that failure seen from other ranks (a rank stopped by a signal and then
        // continued, for one, finds its own collective timed out). mpirun's multi-line banners are held back and
        // summarised in one line at the end.
        var lines = new List<string>();
        var pumpErr = Task.Run(() =>
        {
            bool inBanner = false, errorShown = false;
            while (process.StandardError.ReadLine() is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("-----", StringComparison.Ordinal)) inBanner = !inBanner;
                else if (inBanner || line.StartsWith("mpirun ", StringComparison.Ordinal) || line.StartsWith('[') || line.Length == 0) continue;
                else if (!IsRankError(line)) error.WriteLine(line);
                else if (!errorShown)
                {
                    error.WriteLine(line);
                    errorShown = true;
                }
            }
        });
        while (process.StandardOutput.ReadLine() is { } line) output.WriteLine(line);
        process.WaitForExit();
        pumpErr.Wait();
        int code = process.ExitCode;
        Summarise(lines, code, error);
        return code == 0 ? 0 : Died(lines) is not null && !lines.Any(IsRankError) ? RankDiedExitCode : code;
    }

    /// <summary>When the job failed and no rank said why in its own words, one line from mpirun's report: which rank died, and of what.</summary>
    private static void Summarise(List<string> lines, int code, TextWriter error)
    {
        if (code == 0 || lines.Any(IsRankError)) return;
        if (Died(lines) is { } died)
            // Open MPI 4.1 reports PID 0 for a rank it did not see start its own pid report; leave it out then.
            error.WriteLine($"error: rank {died.Rank} ({(died.Pid == "0" ? "" : $"pid {died.Pid} ")}on {died.Node}) died: {died.Cause}; mpirun stopped the other ranks");
        else if (lines.Select(l => ExitedRank().Match(l)).FirstOrDefault(m => m.Success) is { } exited)
            error.WriteLine($"error: rank {exited.Groups[1].Value} exited with code {code} without saying why; mpirun stopped the other ranks");
        else
            error.WriteLine($"error: mpirun exited with code {code}: {string.Join(" ", lines.Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).Take(3))}");
    }

    /// <summary>The rank mpirun saw die of a signal, if any.</summary>
    private static (string Rank, string Pid, string Node, string Cause)? Died(List<string> lines)
    {
        foreach (var line in lines)
        {
            var m = SignalledRank().Match(line);
            if (!m.Success) continue;
            string signal = m.Groups[4].Value, name = m.Groups[5].Value;
            return (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, name.Length > 0 ? $"signal {signal} ({name})" : $"signal {signal}");
        }
        return null;
    }

    private static bool IsRankError(string line) => line.StartsWith("error:", StringComparison.Ordinal);

    /// <summary>
    /// mpirun's options: N ranks on this machine; --oversubscribe so N may exceed the cores; --bind-to none because
    /// each rank sizes its own worker threads (the cores divided among the ranks); as root, the flag Open MPI requires.
    /// </summary>
    internal static List<string> MpirunArguments(int ranks)
    {
        var args = new List<string> { "-np", ranks.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none" };
        if (Environment.UserName == "root") args.Add("--allow-run-as-root");
        return args;
    }

    /// <summary>
    /// How to start this trainer again: its apphost when this process is one, else `dotnet trainer.dll` (run with
    /// `dotnet`, or inside a test host, which names its dotnet in DOTNET_HOST_PATH).
    /// </summary>
    internal static List<string> SelfCommand()
    {
        string? process = Environment.ProcessPath;
        string assembly = typeof(Program).Assembly.Location;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == Path.GetFileNameWithoutExtension(assembly)) return [process];
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process
            : FindOnPath("dotnet") ?? "dotnet";
        return [dotnet, assembly];
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
