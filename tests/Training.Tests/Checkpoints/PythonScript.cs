using System.Diagnostics;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// Runs one of the repository's independent Python checkers (scripts/*.py) with /usr/bin/python3: standard input
/// written and closed, both outputs read, at most 120 s. Cli.Tests compiles this file too (linked).
/// </summary>
internal static class PythonScript
{
    public static (int Code, string Output, string Error) Run(string script, string? stdin, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(PythonNumpyFactAttribute.Python, [script, .. args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"{Path.GetFileName(script)} {string.Join(' ', args)} did not finish in 120 s");
        }
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
