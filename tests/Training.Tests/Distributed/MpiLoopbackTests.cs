using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Distributed;

/// <summary>
/// Two ranks on this machine, started by mpirun, all-reduce arrays of awkward lengths with the blocking and the
/// non-blocking form (tests/MpiProbe). Each rank holds x[i] = (rank + 1) + i/4, so every sum is exact in float and
/// the expected output is plain arithmetic.
/// </summary>
public class MpiLoopbackTests(ITestOutputHelper output)
{
    private static readonly int[] Lengths = [1, 7, 257, 65_536 + 3];
    private const int Ranks = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [MpiRunFact]
    public void TwoRanksEachReceiveTheExactSumOfBoth()
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "Trainer.MpiProbe.dll");
        Assert.True(File.Exists(probe), $"{probe} is missing; it is built by the ProjectReference to tests/MpiProbe");
        var start = new ProcessStartInfo(MpiRunFactAttribute.Mpirun!,
            ["-np", Ranks.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--allow-run-as-root", "dotnet", probe])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TERM"] = "dumb"; // no terminal escapes from the ranks' Console in the captured text

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun with {Ranks} ranks did not finish in {Timeout.TotalSeconds} s; output so far:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        clock.Stop();
        var text = stdout.Result;
        output.WriteLine($"mpirun -np {Ranks}: {clock.Elapsed.TotalSeconds:F2} s, exit {process.ExitCode}");
        output.WriteLine(text);
        output.WriteLine(stderr.Result);
        Assert.True(process.ExitCode == 0, $"mpirun exited with {process.ExitCode}:\n{text}\n{stderr.Result}");

        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        for (var rank = 0; rank < Ranks; rank++)
        {
            foreach (var n in Lengths)
            foreach (var mode in new[] { "blocking", "nonblocking" })
            {
                var expected = FormattableString.Invariant($"rank {rank} of {Ranks}: {mode} n={n} total={ExpectedTotal(n):R} mismatches=0");
                Assert.True(lines.Contains(expected), $"missing line `{expected}` in:\n{text}");
            }
            Assert.Contains($"rank {rank} of {Ranks}: done", lines);
        }
    }

    /// <summary>Σ_i Σ_rank (rank + 1 + i/4) = n·R(R+1)/2 + R·n(n-1)/8, exact in double for these lengths.</summary>
    private static double ExpectedTotal(int n) => n * (double)(Ranks * (Ranks + 1) / 2) + Ranks * ((double)n * (n - 1) / 8);
}
