using System.Diagnostics;
using System.Text;

namespace Trainer.Cli.Tests;

/// <summary>
/// Standard output and standard error that cannot be written end in exit code 74 (never an abort, exit 134),
/// saying which stream failed where stderr still works; names read from files are printed with their control
/// characters escaped.
/// </summary>
public sealed class StreamTests(TrainedCheckpoint checkpoint) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;

    /// <summary>Runs the real `trainer` process through bash with <paramref name="redirects"/> (e.g. <c>&gt;/dev/full</c>); stdout and stderr captured where not redirected.</summary>
    private static CliResult Process(string redirects, params string[] args)
    {
        string trainer = Path.Combine(AppContext.BaseDirectory, "trainer.dll");
        string command = string.Join(' ', new[] { DotnetHost(), trainer }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''") + "'")) + " " + redirects;
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("devices")]
    [InlineData("graph")]
    public void A_full_stdout_is_exit_74_with_one_line_naming_it(string command)
    {
        if (!OperatingSystem.IsLinux()) return;
        var result = Process(">/dev/full", command);
        Assert.True(result.ExitCode == 74, result.ToString());
        Assert.Equal("error: cannot write to standard output: No space left on device", result.SingleErrorLine());
    }

    [Fact]
    public void A_full_stdout_during_eval_is_exit_74()
    {
        if (!OperatingSystem.IsLinux()) return;
        var result = Process(">/dev/full", "eval", "--device", "cpu", "--checkpoint", checkpoint.Path);
        Assert.True(result.ExitCode == 74, result.ToString());
        Assert.Equal("error: cannot write to standard output: No space left on device", result.SingleErrorLine());
    }

    [Theory]
    [InlineData(0, "version")]                                           // success, but its stderr is unwritable: nothing on stderr to fail
    [InlineData(2, "trian")]                                             // a usage error whose message cannot be written: still 2, no abort
    [InlineData(1, "eval", "--checkpoint", "/nonexistent.safetensors")]  // a user error: its own code
    public void A_full_stderr_never_aborts(int expected, params string[] args)
    {
        if (!OperatingSystem.IsLinux()) return;
        var result = Process("2>/dev/full", args);
        Assert.True(result.ExitCode == expected, result.ToString());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Progress_on_a_full_stderr_is_exit_74_after_a_complete_run()
    {
        if (!OperatingSystem.IsLinux()) return;
        string save = dir.File("run");
        var result = Process("2>/dev/full", "train", "--device", "cpu", "--epochs", "1", "--progress", "plain", "--save", save);
        Assert.True(result.ExitCode == 74, result.ToString());
        Assert.EndsWith("Done!\n", result.Stdout);
        Assert.True(File.Exists(Path.Combine(save, "epoch-1.safetensors")));
    }

    [Fact]
    public void Both_streams_full_is_exit_74()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal(74, Process(">/dev/full 2>/dev/full", "version").ExitCode);
    }

    [Fact]
    public void A_closed_stdout_pipe_is_exit_74_not_a_crash()
    {
        if (!OperatingSystem.IsLinux()) return;
        var result = Process(">&-", "version");
        Assert.True(result.ExitCode == 74, result.ToString());
        Assert.StartsWith("error: cannot write to standard output: ", result.SingleErrorLine());
    }

    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07")]
    [InlineData("\u001b[2J\u001b[31mred", "\\x1b[2J\\x1b[31mred")]
    [InlineData("two\nlines", "two lines")] // a line break becomes a space: still one line
    [InlineData("rtl\u202Eexe", "rtl\\u202eexe")]
    public void Tensor_names_from_a_file_are_printed_escaped(string name, string shown)
    {
        string path = checkpoint.WithExtraTensor(dir.File("odd.safetensors"), name);
        var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--strict");
        Assert.True(result.ExitCode == 1, result.ToString());
        string line = result.SingleErrorLine();
        Assert.Equal($"error: {path}: does not fit the mlp: unexpected 1 tensor (--strict): '{shown}'", line);
        Assert.DoesNotContain(line, char.IsControl);
    }

    /// <summary>Without --strict an unused tensor is a warning beside the log; its name is escaped there too.</summary>
    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07")]
    [InlineData("two\nlines", "two\\x0alines")]
    [InlineData("rtl\u202Eexe", "rtl\\u202eexe")]
    public void An_ignored_tensor_name_is_printed_escaped_in_the_warning(string name, string shown)
    {
        string path = checkpoint.WithExtraTensor(dir.File("odd.safetensors"), name);
        var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var warning = Assert.Single(result.StderrLines);
        Assert.Equal($"warning: {path}: ignoring 1 tensor(s) the model does not use: '{shown}' (--strict refuses them)", warning);
        Assert.DoesNotContain(warning, char.IsControl);
    }

    [Theory]
    [InlineData("model", "\u001b[5mlenet", "metadata 'model' is '\\x1b[5mlenet', expected mlp, lenet, resnet8")]
    [InlineData("optimizer", "sgd\u009b2J", "metadata 'optimizer' is 'sgd\\x9b2J', expected sgd, momentum or adam")]
    [InlineData("learning_rate", "0.1\u001b[Ay", "metadata 'learning_rate' is '0.1\\x1b[Ay', expected a finite number")]
    public void Metadata_from_a_file_is_printed_escaped(string key, string value, string expected)
    {
        string path = checkpoint.WithMetadata(dir.File("odd.safetensors"), key, value);
        var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {path}: {expected}", result.SingleErrorLine());
    }

    [Fact]
    public void A_failing_writer_is_remembered_not_thrown()
    {
        var output = new FailSafeWriter(new FailingWriter(), "standard output");
        var error = new FailSafeWriter(new StringWriter(), "standard error");
        output.WriteLine("lost");
        output.Write('x');
        Assert.Equal("No space left on device", output.Failure);
        Assert.Equal(Program.StreamFailedExitCode, Program.Finish(0, output, error));
        Assert.Equal(3, Program.Finish(3, output, error)); // the command's own failure comes first
    }

    private sealed class FailingWriter : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => throw new IOException("No space left on device");
        public override void Write(string? value) => throw new IOException("No space left on device");
    }
}
