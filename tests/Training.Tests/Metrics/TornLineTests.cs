using System.Text;
using Trainer.Training.Metrics;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Metrics;

/// <summary>
/// A record cut off part-way (a full disk, a killed writer) is skipped with a warning wherever it is, the next
/// writer starts on a new line instead of gluing onto it, a malformed line is still refused, and a line too long
/// to be a record is refused without being buffered.
/// </summary>
public sealed class TornLineTests
{
    private const string Step0 = "{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"loss\":2.3,\"lr\":0.01,\"samples_per_s\":10}";
    private const string Step1 = "{\"kind\":\"step\",\"epoch\":1,\"step\":1,\"loss\":2.2,\"lr\":0.01,\"samples_per_s\":10}";

    private static (IReadOnlyList<MetricsRecord> Records, List<string> Warnings) Read(string path)
    {
        var warnings = new List<string>();
        return (MetricsLog.Read(path, warnings.Add), warnings);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"kind\":\"st")]
    [InlineData("{\"kind\":\"step\",\"epoch\":1,\"step\":2,\"loss\":2.")]
    [InlineData("{\"kind\":\"step\",\"epoch\":1,\"step\":2,\"loss\":2.1,\"lr\":0.01,\"samples_per_s\":10")]
    public void A_torn_last_line_is_skipped_with_a_warning(string fragment)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.jsonl", Encoding.UTF8.GetBytes(Step0 + "\n" + Step1 + "\n" + fragment));
        var (records, warnings) = Read(path);
        Assert.Equal([0L, 1L], records.Select(r => r.Step));
        Assert.Equal([$"{path}:3: skipped a torn line (a record cut off part-way, e.g. by a full disk)"], warnings);
    }

    [Fact]
    public void A_resumed_writer_starts_on_a_new_line_and_the_fragment_is_skipped_in_the_middle()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.jsonl", Encoding.UTF8.GetBytes(Step0 + "\n{\"kind\":\"step\",\"epo"));
        using (var writer = new MetricsWriter(path)) writer.WriteStep(1, 1, 2.2, 0.01, 10);
        Assert.Equal(Step0 + "\n{\"kind\":\"step\",\"epo\n" + Step1 + "\n", File.ReadAllText(path));
        var (records, warnings) = Read(path);
        Assert.Equal([0L, 1L], records.Select(r => r.Step));
        Assert.Equal([$"{path}:2: skipped a torn line (a record cut off part-way, e.g. by a full disk)"], warnings);
    }

    [Fact]
    public void A_writer_adds_no_line_break_to_a_whole_or_empty_file()
    {
        using var dir = new TempDirectory();
        string whole = dir.Write("whole.jsonl", Encoding.UTF8.GetBytes(Step0 + "\n"));
        string empty = dir.Write("empty.jsonl", []);
        using (var writer = new MetricsWriter(whole)) writer.WriteStep(1, 1, 2.2, 0.01, 10);
        using (var writer = new MetricsWriter(empty)) writer.WriteStep(1, 1, 2.2, 0.01, 10);
        Assert.Equal(Step0 + "\n" + Step1 + "\n", File.ReadAllText(whole));
        Assert.Equal(Step1 + "\n", File.ReadAllText(empty));
    }

    [Theory]
    [InlineData("{\"kind\":\"step\",,}", "not valid JSON")]
    [InlineData("[1, 2", "not valid JSON")]           // not an object: not a torn record
    [InlineData("{\"kind\":\"step\"}}", "not valid JSON")]
    [InlineData("garbage", "not valid JSON")]
    public void A_malformed_line_is_still_refused(string line, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.jsonl", Encoding.UTF8.GetBytes(Step0 + "\n" + line + "\n" + Step1 + "\n"));
        var e = Assert.Throws<MetricsFormatException>(() => MetricsLog.Read(path));
        Assert.StartsWith($"{path}:2: {expected}", e.Message);
    }

    [Theory]
    [InlineData(MetricsLog.MaxLineBytes + 1)]
    [InlineData(64 * 1024 * 1024)]
    public void A_line_longer_than_the_limit_is_refused_without_buffering_it(int length)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.jsonl");
        using (var file = File.Create(path))
        {
            file.Write(Encoding.UTF8.GetBytes(Step0 + "\n{\"kind\":\"step\",\"pad\":\""));
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)'a');
            for (long left = length; left > 0; left -= chunk.Length) file.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MetricsFormatException>(() => MetricsLog.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"{path}:2: line longer than {MetricsLog.MaxLineBytes} bytes; a metrics record is one short JSON object per line", e.Message);
        Assert.True(allocated < 2 * 1024 * 1024, $"reading allocated {allocated} bytes for a {length}-byte line");
    }
}
