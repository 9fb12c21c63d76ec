namespace Trainer.Cli.Tests;

/// <summary>
/// `compare --json` and `graph --out` check their file can be written before any work: one line
/// naming the flag and the path as given, exit 1.
/// </summary>
public sealed class OutputPathTests
{
    private static void AssertOutputError(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(expected, result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Compare_json_in_a_missing_directory_fails_before_reading_data()
    {
        // --data names no directory either: the --json error proves the check ran before the data was read.
        AssertOutputError(Cli.Run("compare", "--device", "cpu", "--data", "/nonexistent/mnist", "--json", "nodir/x.json"),
            "error: --json 'nodir/x.json': directory 'nodir' does not exist");
    }

    [Fact]
    public void Graph_out_in_a_missing_directory()
    {
        AssertOutputError(Cli.Run("graph", "--out", "nodir/x.dot"), "error: --out 'nodir/x.dot': directory 'nodir' does not exist");
    }

    [Fact]
    public void Out_that_is_a_directory()
    {
        using var dir = new TempDirectory();
        AssertOutputError(Cli.Run("graph", "--out", dir.Path), $"error: --out '{dir.Path}': is a directory");
        AssertOutputError(Cli.Run("compare", "--data", "/nonexistent/mnist", "--json", dir.Path), $"error: --json '{dir.Path}': is a directory");
    }

    [Fact]
    public void Out_under_a_file()
    {
        using var dir = new TempDirectory();
        string file = dir.File("plain");
        File.WriteAllText(file, "x");
        AssertOutputError(Cli.Run("graph", "--out", file + "/g.txt"), $"error: --out '{file}/g.txt': '{file}' is not a directory");
    }

    [Fact]
    public void Out_in_a_directory_nobody_can_write()
    {
        // /proc refuses new files even to root, unlike a chmod'ed directory.
        if (!OperatingSystem.IsLinux()) return;
        var result = Cli.Run("compare", "--data", "/nonexistent/mnist", "--json", "/proc/x.json");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: --json '/proc/x.json': directory '/proc' is not writable (", result.SingleErrorLine());
    }

    [Fact]
    public void Out_that_is_a_device()
    {
        if (!OperatingSystem.IsLinux()) return;
        AssertOutputError(Cli.Run("graph", "--out", "/dev/null"), "error: --out '/dev/null': is not a regular file (a character device)");
    }

    [Fact]
    public void Usage_errors_still_come_first_and_a_good_path_leaves_only_the_file()
    {
        var usage = Cli.Run("graph", "--out", "nodir/x.dot", "--stage", "nope");
        Assert.Equal(2, usage.ExitCode);

        using var dir = new TempDirectory();
        string file = dir.File("g.txt");
        var ok = Cli.Run("graph", "--out", file);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal([file], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Relative_path_in_the_current_directory_is_checked_there()
    {
        OutputPath.Check("--out", "trainer-output-path-check.txt");
        Assert.False(File.Exists("trainer-output-path-check.txt"));
    }
}
