using System.Text;
using Trainer.Training.IO;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.IO;

public sealed class DurableFileTests
{
    [Fact]
    public void Writes_the_content_and_leaves_only_the_target()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "x.json");
        DurableFile.WriteAllText(path, "{\"a\": 1}\n");
        Assert.Equal("{\"a\": 1}\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Replaces_an_existing_file_and_writes_no_byte_order_mark()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.txt", Encoding.UTF8.GetBytes("old content that is longer"));
        DurableFile.WriteAllText(path, "é");
        Assert.Equal([0xC3, 0xA9], File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_streams_bytes_and_WriteAllBytes_writes_them_exactly()
    {
        using var dir = new TempDirectory();
        string a = Path.Combine(dir.Path, "a.bin");
        string b = Path.Combine(dir.Path, "b.bin");
        byte[] bytes = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        DurableFile.Write(a, s => { s.Write(bytes, 0, 100); s.Write(bytes, 100, 200); });
        DurableFile.WriteAllBytes(b, bytes);
        Assert.Equal(bytes, File.ReadAllBytes(a));
        Assert.Equal(bytes, File.ReadAllBytes(b));
    }

    [Fact]
    public void Writing_through_a_symlink_updates_the_target_and_keeps_the_link()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "real"));
        string target = dir.Write(Path.Combine("real", "t.txt"), Encoding.UTF8.GetBytes("old"));
        string link = Path.Combine(dir.Path, "link.txt");
        File.CreateSymbolicLink(link, Path.Combine("real", "t.txt"));

        DurableFile.WriteAllText(link, "new");

        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(Path.Combine("real", "t.txt"), new FileInfo(link).LinkTarget);
        Assert.Equal([target], Directory.GetFileSystemEntries(Path.Combine(dir.Path, "real")));
    }

    [Fact]
    public void Writing_through_a_chain_of_symlinks_updates_the_final_target()
    {
        using var dir = new TempDirectory();
        string target = dir.Write("t.txt", Encoding.UTF8.GetBytes("old"));
        string first = Path.Combine(dir.Path, "first");
        string second = Path.Combine(dir.Path, "second");
        File.CreateSymbolicLink(second, target);
        File.CreateSymbolicLink(first, second);

        DurableFile.WriteAllText(first, "new");

        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(second, new FileInfo(first).LinkTarget);
        Assert.Equal(target, new FileInfo(second).LinkTarget);
    }

    [Fact]
    public void Keeps_the_existing_permissions()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        string path = dir.Write("secret.json", [1]);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, mode);
        DurableFile.WriteAllText(path, "x");
        Assert.Equal(mode, File.GetUnixFileMode(path));

        var executable = mode | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(path, executable);
        DurableFile.WriteAllText(path, "y");
        Assert.Equal(executable, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_missing_directory_is_named_as_the_user_wrote_it()
    {
        using var dir = new TempDirectory();
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            var e = Assert.Throws<IOException>(() => DurableFile.WriteAllText(Path.Combine("out", "x.json"), "x"));
            Assert.Equal($"'{Path.Combine("out", "x.json")}': directory 'out' does not exist", e.Message);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_directory_as_the_target_is_refused_and_left_alone()
    {
        using var dir = new TempDirectory();
        string sub = Path.Combine(dir.Path, "sub");
        Directory.CreateDirectory(sub);
        var e = Assert.Throws<IOException>(() => DurableFile.WriteAllText(sub, "x"));
        Assert.Equal($"'{sub}': is a directory", e.Message);
        Assert.Equal([sub], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_failing_writer_leaves_no_temp_file_and_the_old_content()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.txt", Encoding.UTF8.GetBytes("old"));
        var e = Assert.Throws<InvalidOperationException>(() => DurableFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("serializer failed");
        }));
        Assert.Equal("serializer failed", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_io_error_from_the_stream_names_the_users_path_not_the_temp_file()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "x.txt");
        string temp = Path.Combine(dir.Path, $".x.txt.{Environment.ProcessId}.tmp");
        var e = Assert.Throws<IOException>(() => DurableFile.Write(path, _ => throw new IOException($"device error : '{temp}'")));
        Assert.Equal($"'{path}': device error : '{path}'", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void CheckWritable_names_the_option_and_the_path()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "missing");
        string inMissing = Path.Combine(missing, "x.json");
        var e = Assert.Throws<IOException>(() => DurableFile.CheckWritable(inMissing, "--json"));
        Assert.Equal($"--json '{inMissing}': directory '{missing}' does not exist", e.Message);

        var d = Assert.Throws<IOException>(() => DurableFile.CheckWritable(dir.Path, "--out"));
        Assert.Equal($"--out '{dir.Path}': is a directory", d.Message);
    }

    [Fact]
    public void CheckWritable_accepts_a_writable_place_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        string existing = dir.Write("e.json", [1, 2]);
        DurableFile.CheckWritable(Path.Combine(dir.Path, "new.json"), "--json");
        DurableFile.CheckWritable(existing, "--json");
        Assert.Equal([existing], Directory.GetFileSystemEntries(dir.Path));
        Assert.Equal([1, 2], File.ReadAllBytes(existing));
    }

    [Fact]
    public void A_directory_where_files_cannot_be_created_is_reported_without_the_temp_name()
    {
        // /proc refuses new files even for root, so this runs the same whoever runs the tests.
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc")) return;
        const string path = "/proc/trainer-durable-file-test.json";
        var check = Assert.Throws<IOException>(() => DurableFile.CheckWritable(path, "--json"));
        Assert.Equal($"--json '{path}': directory '/proc' is not writable (a new file cannot be created there)", check.Message);

        var write = Assert.Throws<IOException>(() => DurableFile.WriteAllText(path, "x"));
        Assert.StartsWith($"'{path}': ", write.Message);
        Assert.DoesNotContain(".tmp", write.Message);
        Assert.DoesNotContain('\n', write.Message);
    }
}
