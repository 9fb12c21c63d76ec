using System.Diagnostics;

namespace Trainer.Cli.Tests;

/// <summary>Runs a program of examples/ as a user runs it: `dotnet run` on the file-based app.</summary>
internal static class ExampleProgram
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "gpu.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no gpu.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs examples/<paramref name="file"/> with `dotnet run -c Release` (the configuration the tests were built in, so its projects are up to date).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, params string[] args) =>
        RunPath($"examples/{file}", args);

    /// <summary>Runs the file-based app at <paramref name="path"/> (relative to the repository root, or absolute) with `dotnet run -c Release`.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunPath(string path, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["run", "-c", "Release", path, "--", .. args])
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} ran for more than 5 minutes");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }
}
