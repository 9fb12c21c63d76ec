using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>What one in-process `trainer` invocation produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Lines(Stdout);
    public string[] StderrLines => Lines(Stderr);

    /// <summary>Splits on '\n' and drops the single empty entry a trailing newline leaves.</summary>
    public static string[] Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>The one line a failing command prints to stderr: exactly one line, no stack trace.</summary>
    public string SingleErrorLine()
    {
        var lines = StderrLines;
        Assert.True(lines.Length == 1, $"expected exactly one stderr line, got {lines.Length}:\n{Stderr}");
        Assert.DoesNotMatch(new Regex(@"^\s+at\s", RegexOptions.Multiline), Stderr);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    /// <summary>A training run writes only its progress lines to stderr when it is not a terminal (stdout stays the tutorial's log).</summary>
    public void AssertOnlyProgressOnStderr()
    {
        foreach (var line in StderrLines)
            Assert.Matches(@"^progress: epoch \d+/\d+ \d+/\d+  loss (-|\d+\.\d{4})  \d+ samples/s  ETA \d+:\d\d$", line);
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";
}

public static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>A fresh directory under the system temp directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trainer-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> inside the directory and returns the full path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
