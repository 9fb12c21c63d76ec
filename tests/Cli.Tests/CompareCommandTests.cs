using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Trainer.Cli.Commands;
using Trainer.Training.Loops;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer compare` as a smoke test: the table's structure, the JSON's fixed keys, and the two modes
/// agreeing within the graph compiler's tolerance. Timings are printed, never asserted.
/// </summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("trainer-compare-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void CompareOnTheCpuPrintsBothModesAndWritesTheJson()
    {
        string json = Path.Combine(directory, "compare.json");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(["compare", "--device", "cpu", "--steps", "50", "--warmup", "5", "--json", json], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Equal("", error.ToString());

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("device: cpu: ", lines[0]);
        Assert.Equal("batch 64, optimizer sgd, 5 warm-up + 50 timed steps, same seed and batches in both modes", lines[1]);
        Assert.Matches(@"^\s+eager\s+graph\s+eager/graph$", lines[2]);
        string[] rows =
        [
            "compile/trace ms", "step ms median", "step ms p10", "step ms p90", "steps/s", "samples/s", "launches/step",
            "uploads/step", "downloads/step", "syncs/step", "device bytes/step", "fresh device bytes/step", "managed bytes/step", "peak device bytes", "test accuracy %",
        ];
        for (int i = 0; i < rows.Length; i++)
            Assert.Matches($@"^{Regex.Escape(rows[i])}\s+[\d.]+\s+[\d.]+\s+(-|[\d.]+x)$", lines[3 + i]);
        Assert.Matches(@"^launches/step\s+27\.0\s+14\.0\s+1\.93x$", lines[3 + Array.IndexOf(rows, "launches/step")]);
        // Eager uploads images and labels separately, each copy waiting; graph mode makes one staged upload and never waits.
        Assert.Matches(@"^uploads/step\s+2\.0\s+1\.0\s+-$", lines[3 + Array.IndexOf(rows, "uploads/step")]);
        Assert.Matches(@"^downloads/step\s+0\.0\s+0\.0\s+-$", lines[3 + Array.IndexOf(rows, "downloads/step")]);
        Assert.Matches(@"^syncs/step\s+2\.0\s+0\.0\s+-$", lines[3 + Array.IndexOf(rows, "syncs/step")]);
        var diff = Regex.Match(lines[3 + rows.Length], @"^max loss difference: (\S+) over 55 steps$");
        Assert.True(diff.Success, lines[3 + rows.Length]);
        Assert.True(double.Parse(diff.Groups[1].Value, CultureInfo.InvariantCulture) <= 1e-4);
        Assert.Matches(@"^speedup \(eager median / graph median\): [\d.]+x$", lines[4 + rows.Length]);
        Assert.Equal($"wrote {json}", lines[^1]);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        foreach (var key in new[] { "device", "ilgpu", "dotnet", "command", "date" })
            Assert.Equal(JsonValueKind.String, root.GetProperty(key).ValueKind);
        Assert.Equal(64, root.GetProperty("batch_size").GetInt32());
        Assert.Equal(50, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("max_loss_diff").GetDouble() <= 1e-4);
        Assert.True(root.GetProperty("speedup").GetDouble() > 0);
        foreach (var mode in new[] { "eager", "graph" })
        {
            var m = root.GetProperty(mode);
            foreach (var key in new[]
                     {
                         "compile_ms", "step_ms_median", "step_ms_p10", "step_ms_p90", "steps_per_s", "samples_per_s", "launches_per_step",
                         "uploads_per_step", "downloads_per_step", "syncs_per_step",
                         "device_bytes_per_step", "managed_bytes_per_step", "peak_device_bytes", "test_accuracy",
                     })
                Assert.Equal(JsonValueKind.Number, m.GetProperty(key).ValueKind);
            Assert.True(m.GetProperty("step_ms_p10").GetDouble() <= m.GetProperty("step_ms_median").GetDouble());
            Assert.True(m.GetProperty("step_ms_median").GetDouble() <= m.GetProperty("step_ms_p90").GetDouble());
        }
        Assert.Equal(0, root.GetProperty("graph").GetProperty("device_bytes_per_step").GetDouble());
        Assert.Equal(14, root.GetProperty("graph").GetProperty("launches_per_step").GetDouble());
        Assert.Equal(1, root.GetProperty("graph").GetProperty("uploads_per_step").GetDouble());
        Assert.Equal(0, root.GetProperty("graph").GetProperty("syncs_per_step").GetDouble());
        Assert.Equal(2, root.GetProperty("eager").GetProperty("syncs_per_step").GetDouble());
        Assert.Equal(root.GetProperty("eager").GetProperty("test_accuracy").GetDouble(),
                     root.GetProperty("graph").GetProperty("test_accuracy").GetDouble(), 3);
    }

    [Theory]
    [InlineData("2147483647", "10", "error: --warmup 10 + --steps 2147483647 is more than 10,000,000 steps (see 'trainer compare --help')")]
    [InlineData("10000000", "1", "error: --warmup 1 + --steps 10000000 is more than 10,000,000 steps (see 'trainer compare --help')")]
    public void TooManyStepsAreAUsageErrorBeforeAnyWork(string steps, string warmup, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, Program.Run(["compare", "--data", "/nonexistent/mnist", "--steps", steps, "--warmup", warmup], output, error));
        Assert.Equal(expected, error.ToString().TrimEnd());
        Assert.Equal("", output.ToString());
    }

    private static ModeMeasurement Measurement(ExecutionMode mode, params float[] losses) => new()
    {
        Mode = mode, CompileMs = 1, StepMsMedian = 2, StepMsP10 = 1, StepMsP90 = 3, StepsPerSecond = 500, SamplesPerSecond = 32000,
        LaunchesPerStep = 13, DeviceBytesPerStep = 0, FreshDeviceBytesPerStep = 0, ManagedBytesPerStep = 0, UploadsPerStep = 1, DownloadsPerStep = 0, SyncsPerStep = 0, PeakDeviceBytes = 100, TestAccuracy = 0.5,
        Losses = losses,
    };

    /// <summary>A diverged mode is reported, not hidden: Max over the differences used to skip the NaN and print 0.</summary>
    [Fact]
    public void NonFiniteLossIsReportedWithItsFirstStepAndMode()
    {
        var eager = Measurement(ExecutionMode.Eager, 2.3f, 2.2f, float.NaN, float.NaN);
        var graph = Measurement(ExecutionMode.Graph, 2.3f, 2.2f, 2.1f, float.PositiveInfinity);
        double diff = ModeComparison.MaxLossDifference(eager, graph);
        Assert.True(double.IsNaN(diff));

        var lines = CompareCommand.Table("cpu", 64, "sgd", 1, 3, eager, graph, diff).Split('\n');
        Assert.Contains("max loss difference: NaN over 4 steps", lines);
        Assert.Contains("non-finite loss: eager first at step 3 of 4 (NaN), graph first at step 4 of 4 (Infinity)", lines);

        using var doc = JsonDocument.Parse(CompareCommand.Json("cpu", [], 64, "sgd", 3, 1, eager, graph, diff));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("max_loss_diff").ValueKind);
        Assert.Equal(3, doc.RootElement.GetProperty("eager").GetProperty("first_non_finite_loss_step").GetInt32());
        Assert.Equal(4, doc.RootElement.GetProperty("graph").GetProperty("first_non_finite_loss_step").GetInt32());

        var fine = Measurement(ExecutionMode.Graph, 2.3f, 2.2f, 2.1f, 2.0f);
        Assert.Null(CompareCommand.NonFiniteSummary(fine, fine));
        Assert.Equal("non-finite loss: eager first at step 3 of 4 (NaN), graph none", CompareCommand.NonFiniteSummary(eager, fine));
    }

    [Theory]
    [InlineData("--steps", "0", "error: --steps must be a positive integer, got '0' (see 'trainer compare --help')")]
    [InlineData("--warmup", "-1", "error: --warmup must be a non-negative integer, got '-1' (see 'trainer compare --help')")]
    public void BadOptionsAreUsageErrors(string flag, string value, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, Program.Run(["compare", flag, value], new StringWriter(), error));
        Assert.Equal(expected, error.ToString().TrimEnd());
    }
}
