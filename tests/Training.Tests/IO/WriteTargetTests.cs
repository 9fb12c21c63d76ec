using Trainer.Training.Checkpoints;
using Trainer.Training.IO;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.IO;

/// <summary>
/// A write replaces only a regular file or a missing name: a FIFO, a device or a link to one is refused when the
/// write happens (not only when a command starts) and left as it was, as root too.
/// </summary>
public sealed class WriteTargetTests
{
    [Fact]
    public void A_link_to_a_fifo_is_refused_and_the_fifo_stays()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string fifo = SpecialFiles.MakeFifo(Path.Combine(dir.Path, "pipe"));
        string link = Path.Combine(dir.Path, "epoch-3.safetensors");
        File.CreateSymbolicLink(link, fifo);
        var e = Assert.Throws<IOException>(() => DurableFile.WriteAllText(link, "x"));
        Assert.Equal($"'{link}': is not a regular file (a FIFO); refusing to replace it", e.Message);
        Assert.Equal("a FIFO", FileKind.NotRegular(fifo));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir.Path).Length); // no temporary file left
    }

    [Fact]
    public void A_fifo_itself_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string fifo = SpecialFiles.MakeFifo(Path.Combine(dir.Path, "step-50.safetensors"));
        var e = Assert.Throws<IOException>(() => SafeTensors.Write(fifo, [new NamedTensor("w", [1], [1f])], new Dictionary<string, string>()));
        Assert.Contains("is not a regular file (a FIFO)", e.Message);
        Assert.Equal("a FIFO", FileKind.NotRegular(fifo));
    }

    [Fact]
    public void A_link_to_a_character_device_is_refused_and_the_device_stays()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string link = Path.Combine(dir.Path, "last.safetensors");
        File.CreateSymbolicLink(link, "/dev/null");
        var e = Assert.Throws<IOException>(() => DurableFile.WriteAllBytes(link, [1, 2, 3]));
        Assert.Equal($"'{link}': is not a regular file (a character device); refusing to replace it", e.Message);
        Assert.Equal("a character device", FileKind.NotRegular("/dev/null"));
    }

    [Fact]
    public void The_startup_check_refuses_a_device_too()
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = Assert.Throws<IOException>(() => DurableFile.CheckWritable("/dev/zero", "--out"));
        Assert.Equal("--out '/dev/zero': is not a regular file (a character device)", e.Message);
    }

    [Fact]
    public void A_link_planted_at_the_temporary_name_is_not_followed()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string precious = dir.Write("precious", "keep me"u8.ToArray());
        string target = Path.Combine(dir.Path, "last.safetensors");
        File.CreateSymbolicLink(Path.Combine(dir.Path, $".last.safetensors.{Environment.ProcessId}.tmp"), precious);
        DurableFile.WriteAllText(target, "new");
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal("keep me", File.ReadAllText(precious));
    }

    [Fact]
    public void A_regular_file_behind_a_link_is_still_replaced()
    {
        using var dir = new TempDirectory();
        string target = dir.Write("real.bin", [9]);
        string link = Path.Combine(dir.Path, "link.bin");
        File.CreateSymbolicLink(link, target);
        DurableFile.WriteAllBytes(link, [1, 2]);
        Assert.Equal([1, 2], File.ReadAllBytes(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }
}
