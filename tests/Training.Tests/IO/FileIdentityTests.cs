using System.Diagnostics;
using Trainer.Training.IO;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.IO;

public sealed class FileIdentityTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Names_of_one_file_are_the_same_file_and_others_are_not()
    {
        string a = dir.Write("a.bin", [1, 2, 3]);
        string copy = dir.Write("copy.bin", [1, 2, 3]);
        string link = Path.Combine(dir.Path, "link.onnx");
        File.CreateSymbolicLink(link, a);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, a);
        Assert.True(FileIdentity.Same(a, a));
        Assert.True(FileIdentity.Same(link, a));
        Assert.True(FileIdentity.Same(relative, a));
        Assert.True(FileIdentity.Same(Path.Combine(dir.Path, ".", "a.bin"), a));
        Assert.False(FileIdentity.Same(copy, a), "a file with the same bytes is another file");
        Assert.False(FileIdentity.Same(Path.Combine(dir.Path, "missing.onnx"), a));
        Assert.False(FileIdentity.Same(Path.Combine(dir.Path, "missing.onnx"), Path.Combine(dir.Path, "missing.onnx")));
        if (!OperatingSystem.IsLinux()) return;
        string hard = Path.Combine(dir.Path, "hard.bin");
        using (var ln = Process.Start("ln", [a, hard])!)
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }
        Assert.True(FileIdentity.Same(hard, a), "a hard link is the same file under another name");
    }

    [Fact]
    public void Identity_tells_files_apart_and_follows_links()
    {
        if (!OperatingSystem.IsLinux()) return;
        string a = dir.Write("a", [1]), b = dir.Write("b", [1]);
        string link = Path.Combine(dir.Path, "l");
        File.CreateSymbolicLink(link, a);
        Assert.NotEqual(FileIdentity.Of(a), FileIdentity.Of(b));
        Assert.Equal(FileIdentity.Of(a), FileIdentity.Of(link));
        Assert.Null(FileIdentity.Of(Path.Combine(dir.Path, "none")));
    }
}
