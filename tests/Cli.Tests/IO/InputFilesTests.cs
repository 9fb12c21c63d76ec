using Trainer.Cli.IO;

namespace Trainer.Cli.Tests.IO;

/// <summary>An output that is an input is caught by device and inode, however the two names are spelled.</summary>
public sealed class InputFilesTests
{
    private static void AssertSameFile(string input, string output)
    {
        var e = Assert.Throws<IOException>(() => new InputFiles().Add("--resume", input).CheckOutput("--metrics", output));
        Assert.Equal($"--metrics '{output}': is the same file as --resume '{input}', which this command reads; write elsewhere", e.Message);
    }

    [Fact]
    public void The_same_name()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string input = dir.Write("a.safetensors", [1]);
        AssertSameFile(input, input);
    }

    [Fact]
    public void Another_spelling_a_symbolic_link_and_a_hard_link()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string input = dir.Write("a.safetensors", [1]);
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        AssertSameFile(input, Path.Combine(dir.Path, "sub", "..", ".", "a.safetensors"));
        string symlink = Path.Combine(dir.Path, "m.jsonl");
        File.CreateSymbolicLink(symlink, input);
        AssertSameFile(input, symlink);
        string hardLink = Path.Combine(dir.Path, "hard.jsonl");
        using (var ln = System.Diagnostics.Process.Start("ln", [input, hardLink])!) ln.WaitForExit();
        AssertSameFile(input, hardLink);
    }

    [Fact]
    public void A_copy_and_a_missing_name_are_fine()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("a.safetensors", [1]);
        string copy = dir.Write("b.safetensors", [1]);
        var inputs = new InputFiles().Add("--resume", input).Add("--data", Path.Combine(dir.Path, "missing"));
        inputs.CheckOutput("--metrics", copy);
        inputs.CheckOutput("--metrics", Path.Combine(dir.Path, "new.jsonl"));
    }
}
