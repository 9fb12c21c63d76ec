using Trainer.Training.Metrics;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Metrics;

public sealed class MetricsLogTests
{
    [Fact]
    public void Writer_then_reader_round_trips_every_field_bit_for_bit()
    {
        using var dir = new TempDirectory();
        string path = System.IO.Path.Combine(dir.Path, "metrics.jsonl");
        double awkward = 0.1 + 0.2; // 0.30000000000000004: needs all 17 digits
        using (var writer = new MetricsWriter(path))
        {
            writer.WriteStep(1, 0, 2.302585092994046, 0.01, 4100.5);
            writer.WriteStep(1, 1, awkward, 1e-5, double.Epsilon);
            writer.WriteEpoch(1, 157, 0.48, 0.01, 4000.1, 0.873, 0.41);
            writer.WriteStep(2, 158, double.NaN, 0.01, 3999);
            writer.WriteStep(2, 159, double.PositiveInfinity, -0.0, 1e300);
            writer.WriteEpoch(2, 314, 0.3, 0.005, 4000, 1, double.NegativeInfinity);
        }

        var records = MetricsLog.Read(path);

        Assert.Equal(
            [
                new MetricsRecord("step", 1, 0, 2.302585092994046, 0.01, 4100.5, null, null),
                new MetricsRecord("step", 1, 1, awkward, 1e-5, double.Epsilon, null, null),
                new MetricsRecord("epoch", 1, 157, 0.48, 0.01, 4000.1, 0.873, 0.41),
                new MetricsRecord("step", 2, 158, double.NaN, 0.01, 3999, null, null),
                new MetricsRecord("step", 2, 159, double.PositiveInfinity, -0.0, 1e300, null, null),
                new MetricsRecord("epoch", 2, 314, 0.3, 0.005, 4000, 1, double.NegativeInfinity),
            ],
            records);
        Assert.True(double.IsNegative(records[4].Lr));
    }

    [Fact]
    public void Writer_emits_the_documented_lines()
    {
        using var dir = new TempDirectory();
        string path = System.IO.Path.Combine(dir.Path, "metrics.jsonl");
        using (var writer = new MetricsWriter(path))
        {
            writer.WriteStep(1, 100, 0.52, 0.01, 4100.5);
            writer.WriteEpoch(1, 157, 0.48, 0.01, 4000.1, 0.873, 0.41);
        }

        Assert.Equal(
            "{\"kind\":\"step\",\"epoch\":1,\"step\":100,\"loss\":0.52,\"lr\":0.01,\"samples_per_s\":4100.5}\n" +
            "{\"kind\":\"epoch\",\"epoch\":1,\"step\":157,\"loss\":0.48,\"lr\":0.01,\"samples_per_s\":4000.1,\"test_accuracy\":0.873,\"test_loss\":0.41}\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void Writer_appends_and_each_line_is_readable_before_dispose()
    {
        using var dir = new TempDirectory();
        string path = System.IO.Path.Combine(dir.Path, "metrics.jsonl");
        using (var first = new MetricsWriter(path)) first.WriteStep(1, 0, 1, 0.1, 10);
        using var second = new MetricsWriter(path);
        second.WriteStep(1, 1, 0.9, 0.1, 10);

        var records = MetricsLog.Read(path); // while the writer is still open

        Assert.Equal([0L, 1L], records.Select(r => r.Step));
    }

    [Fact]
    public void Writer_rejects_values_outside_the_schema()
    {
        using var dir = new TempDirectory();
        using var writer = new MetricsWriter(System.IO.Path.Combine(dir.Path, "metrics.jsonl"));

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteStep(0, 0, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteStep(1, -1, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteEpoch(1, 5, 1, 1, 1, 87.3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteEpoch(1, 5, 1, 1, 1, double.NaN, 1));
    }

    [Fact]
    public void Blank_lines_and_unknown_fields_are_skipped()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.jsonl", System.Text.Encoding.UTF8.GetBytes(
            "\n{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":0.1,\"samples_per_s\":5,\"grad_norm\":3}\n  \n"));

        var record = Assert.Single(MetricsLog.Read(path));

        Assert.Equal(new MetricsRecord("step", 1, 0, 1, 0.1, 5, null, null), record);
    }

    [Theory]
    [InlineData("{\"kind\":\"step\",}", "not valid JSON (column 16); expected one object per line")] // a cut-off "{\"kind\":\"step\"," is a torn line: TornLineTests
    [InlineData("[1,2]", "expected a JSON object, got [1,2]")]
    [InlineData("{\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":1,\"samples_per_s\":1}", "missing \"kind\" (expected \"step\" or \"epoch\")")]
    [InlineData("{\"kind\":\"batch\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":1,\"samples_per_s\":1}", "\"kind\" must be \"step\" or \"epoch\", got \"batch\"")]
    [InlineData("{\"kind\":\"step\",\"epoch\":0,\"step\":0,\"loss\":1,\"lr\":1,\"samples_per_s\":1}", "\"epoch\" must be at least 1, got 0")]
    [InlineData("{\"kind\":\"step\",\"epoch\":1,\"step\":1.5,\"loss\":1,\"lr\":1,\"samples_per_s\":1}", "\"step\" must be an integer, got 1.5")]
    [InlineData("{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"lr\":1,\"samples_per_s\":1}", "missing \"loss\" (expected a number)")]
    [InlineData("{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"loss\":\"low\",\"lr\":1,\"samples_per_s\":1}", "\"loss\" must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got \"low\"")]
    [InlineData("{\"kind\":\"epoch\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":1,\"samples_per_s\":1,\"test_loss\":1}", "missing \"test_accuracy\" (expected a number)")]
    [InlineData("{\"kind\":\"epoch\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":1,\"samples_per_s\":1,\"test_accuracy\":87.3,\"test_loss\":1}", "\"test_accuracy\" must be a fraction from 0 to 1, got 87.3")]
    public void Bad_line_names_file_and_line_number(string badLine, string expected)
    {
        using var dir = new TempDirectory();
        string good = "{\"kind\":\"step\",\"epoch\":1,\"step\":0,\"loss\":1,\"lr\":0.1,\"samples_per_s\":5}";
        string path = dir.Write("m.jsonl", System.Text.Encoding.UTF8.GetBytes($"{good}\n{good}\n{badLine}\n{good}\n"));

        var e = Assert.Throws<MetricsFormatException>(() => MetricsLog.Read(path));

        Assert.Equal($"{path}:3: {expected}", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void Missing_file_and_directory_are_one_line_io_errors()
    {
        using var dir = new TempDirectory();
        string missing = System.IO.Path.Combine(dir.Path, "none.jsonl");

        Assert.Equal($"{missing}: no such file", Assert.Throws<FileNotFoundException>(() => MetricsLog.Read(missing)).Message);
        Assert.Equal($"{dir.Path}: is a directory, not a metrics file", Assert.Throws<IOException>(() => MetricsLog.Read(dir.Path)).Message);
    }
}
