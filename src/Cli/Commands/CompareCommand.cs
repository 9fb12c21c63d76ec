using Trainer.Training.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Cli.Diagnostics;
using Trainer.Cli.IO;

namespace Trainer.Cli.Commands;

/// <summary>`trainer compare`: eager against graph mode on the same seed and batches, side by side.</summary>
public static class CompareCommand
{
    public static readonly OptionTable Options = new(
        CommonOptions.Device, CommonOptions.Threads,
        new("--steps", "N", "timed steps in each mode (default 200)"),
        new("--warmup", "N", "untimed steps first; --warmup + --steps at most 10,000,000 (default 20)"),
        CommonOptions.BatchSize, CommonOptions.Data, CommonOptions.LabelColumn, CommonOptions.Seed,
        new("--json", "FILE", "also write the figures to FILE as JSON (default none)"),
        CommonOptions.Optimizer, CommonOptions.Momentum, CommonOptions.WeightDecay, CommonOptions.Model, CommonOptions.Dropout, CommonOptions.CudaGraph,
        new("--no-fuse", null, "measure graph mode without the fusion passes (default fused)"),
        CompareLocate.Locate, CompareLocate.Tolerance);

    public static readonly string Usage =
        "usage: trainer compare [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--steps 200] [--warmup 20]\n" +
        "                       [--batch-size 64] [--data PATH] [--label-column label] [--seed 0] [--json FILE]\n" +
        "                       [--optimizer sgd|momentum|adam] [--momentum 0.9] [--weight-decay 0]\n" +
        "                       [--model mlp|lenet|resnet8] [--dropout 0] [--no-fuse] [--cuda-graph on|off]\n" +
        "                       [--locate eager|unfused [--tolerance 1e-6]]\n" +
        "  Trains the reference model (sized from --data, any format train reads) eagerly and compiled from the\n" +
        "  same weights on the same batches and\n" +
        "  prints compile time, step time (median, p10, p90), throughput, launches, uploads, downloads and\n" +
        "  host syncs inside a step, allocations, peak memory, the largest loss difference and test accuracy.\n" +
        "  Warm-up steps are not timed.\n" +
        "  With --locate it instead replays the first step node by node and names the first node of the fused\n" +
        "  graph whose output differs from eager mode's (or the unfused graph's); exit 1 when one does.\n" +
        Options.Text +
        DeviceHelp.Text;


    /// <summary>As <see cref="Run(IReadOnlyList{string}, TextWriter)"/>; a `--cuda-graph` fallback warning goes to <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var r = Options.Read("compare", args);
        var device = r.Device();
        int steps = r.PositiveInt("--steps", 200);
        int warmup = r.NonNegativeInt("--warmup", 20);
        int batch = r.PositiveInt("--batch-size", 64);
        ulong seed = r.Seed("--seed", 0);
        string? json = r.String("--json");

        if ((long)warmup + steps > ModeComparison.MaxSteps)
            throw r.Error($"--warmup {warmup} + --steps {steps} is more than {ModeComparison.MaxSteps.ToString("N0", CultureInfo.InvariantCulture)} steps");
        var optimizer = r.Optimizer();
        var model = r.Model();
        float dropout = r.Dropout(model);
        bool? cudaGraph = CommonOptions.ReadCudaGraph(r);
        string labelColumn = r.String("--label-column") ?? Quickstart.TrainingData.DefaultLabelColumn;
        if (CompareLocate.Read(r) is { } locate)
            return CompareLocate.Run(new ParityLocator(device, r.String("--data"), batch, seed, optimizer.DefaultLearningRate, optimizer, model) { Dropout = dropout, LabelColumn = labelColumn },
                locate.Reference, locate.Tolerance, batch, output);
        // The data is read once here, before any device work: a bad file is one line, what was found is said first
        // (nothing for IDX, as before), and --json may not overwrite any of its files.
        if (json is not null) OutputPath.Check("--json", json);
        var inputs = new InputFiles();
        if (r.String("--data") is { } data)
        {
            using var found = Quickstart.TrainingData.Open(data, labelColumn);
            if (found.Found is { } line) output.WriteLine(line);
            foreach (string file in found.Files) inputs.Add("--data", file);
        }
        if (json is not null) inputs.CheckOutput("--json", json);
        var comparison = new ModeComparison(device, r.String("--data"), batch, seed, optimizer.DefaultLearningRate, optimizer, model, cudaGraph, error)
        {
            Dropout = dropout, Fuse = !r.Has("--no-fuse"), LabelColumn = labelColumn,
        };
        var (eager, graph) = comparison.Run(warmup, steps);
        double maxDiff = ModeComparison.MaxLossDifference(eager, graph);
        string deviceSummary = comparison.DeviceSummary!;
        string optimizerName = optimizer.Description;
        output.Write(Table(deviceSummary, batch, optimizerName, warmup, steps, eager, graph, maxDiff));
        if (json is not null)
        {
            inputs.CheckOutput("--json", json); // again: the name may have changed during the run
            DurableFile.WriteAllText(json, Json(deviceSummary, args, batch, optimizerName, steps, warmup, eager, graph, maxDiff));
            output.WriteLine($"wrote {json}");
        }
        return 0;
    }

    public static string Table(string device, int batch, string optimizer, int warmup, int steps, ModeMeasurement eager, ModeMeasurement graph, double maxDiff)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"device: {device}");
        sb.AppendLine(inv, $"batch {batch}, optimizer {optimizer}, {warmup} warm-up + {steps} timed steps, same seed and batches in both modes");
        sb.AppendLine(inv, $"{"",-26}{"eager",14}{"graph",14}{"eager/graph",14}");
        void Row(string name, double e, double g, string format, bool ratio = true) =>
            sb.AppendLine(inv, $"{name,-26}{e.ToString(format, inv),14}{g.ToString(format, inv),14}{(ratio && g != 0 ? (e / g).ToString("F2", inv) + "x" : "-"),14}");
        Row("compile/trace ms", eager.CompileMs, graph.CompileMs, "F1", ratio: false);
        Row("step ms median", eager.StepMsMedian, graph.StepMsMedian, "F3");
        Row("step ms p10", eager.StepMsP10, graph.StepMsP10, "F3");
        Row("step ms p90", eager.StepMsP90, graph.StepMsP90, "F3");
        Row("steps/s", eager.StepsPerSecond, graph.StepsPerSecond, "F1");
        Row("samples/s", eager.SamplesPerSecond, graph.SamplesPerSecond, "F0");
        Row("launches/step", eager.LaunchesPerStep, graph.LaunchesPerStep, "F1");
        Row("uploads/step", eager.UploadsPerStep, graph.UploadsPerStep, "F1", ratio: false);
        Row("downloads/step", eager.DownloadsPerStep, graph.DownloadsPerStep, "F1", ratio: false);
        Row("syncs/step", eager.SyncsPerStep, graph.SyncsPerStep, "F1", ratio: false);
        Row("device bytes/step", eager.DeviceBytesPerStep, graph.DeviceBytesPerStep, "F0", ratio: false);
        Row("fresh device bytes/step", eager.FreshDeviceBytesPerStep, graph.FreshDeviceBytesPerStep, "F0", ratio: false);
        Row("managed bytes/step", eager.ManagedBytesPerStep, graph.ManagedBytesPerStep, "F0");
        Row("peak device bytes", eager.PeakDeviceBytes, graph.PeakDeviceBytes, "F0");
        Row("test accuracy %", 100 * eager.TestAccuracy, 100 * graph.TestAccuracy, "F2", ratio: false);
        sb.AppendLine(inv, $"max loss difference: {maxDiff:G3} over {eager.Losses.Length} steps");
        if (NonFiniteSummary(eager, graph) is { } nonFinite) sb.AppendLine(nonFinite);
        sb.AppendLine(inv, $"speedup (eager median / graph median): {eager.StepMsMedian / graph.StepMsMedian:F2}x");
        return sb.ToString();
    }

    /// <summary>
    /// "non-finite loss: eager first at step 12 of 55 (NaN), graph none" when either mode's loss was NaN
    /// or infinite (steps counted from 1, warm-up included), else null.
    /// </summary>
    public static string? NonFiniteSummary(ModeMeasurement eager, ModeMeasurement graph)
    {
        if (eager.FirstNonFiniteStep is null && graph.FirstNonFiniteStep is null) return null;
        static string Describe(string name, ModeMeasurement m) => m.FirstNonFiniteStep is { } i
            ? string.Create(CultureInfo.InvariantCulture, $"{name} first at step {i + 1} of {m.Losses.Length} ({m.Losses[i]})")
            : $"{name} none";
        return $"non-finite loss: {Describe("eager", eager)}, {Describe("graph", graph)}";
    }

    public static string Json(string device, IReadOnlyList<string> args, int batch, string optimizer, int steps, int warmup, ModeMeasurement eager, ModeMeasurement graph, double maxDiff)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("device", device);
            w.WriteString("ilgpu", AvailableDevices.IlgpuVersion);
            w.WriteString("dotnet", Environment.Version.ToString());
            w.WriteString("command", "trainer compare " + string.Join(" ", args));
            w.WriteString("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteNumber("batch_size", batch);
            w.WriteString("optimizer", optimizer);
            w.WriteNumber("steps", steps);
            w.WriteNumber("warmup", warmup);
            // JSON has no NaN: a non-finite loss makes the difference null, and each mode says where.
            if (double.IsFinite(maxDiff)) w.WriteNumber("max_loss_diff", maxDiff);
            else w.WriteNull("max_loss_diff");
            w.WriteNumber("speedup", eager.StepMsMedian / graph.StepMsMedian);
            Mode(w, "eager", eager);
            Mode(w, "graph", graph);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Mode(Utf8JsonWriter w, string name, ModeMeasurement m)
    {
        w.WriteStartObject(name);
        w.WriteNumber("compile_ms", m.CompileMs);
        w.WriteNumber("step_ms_median", m.StepMsMedian);
        w.WriteNumber("step_ms_p10", m.StepMsP10);
        w.WriteNumber("step_ms_p90", m.StepMsP90);
        w.WriteNumber("steps_per_s", m.StepsPerSecond);
        w.WriteNumber("samples_per_s", m.SamplesPerSecond);
        w.WriteNumber("launches_per_step", m.LaunchesPerStep);
        w.WriteNumber("uploads_per_step", m.UploadsPerStep);
        w.WriteNumber("downloads_per_step", m.DownloadsPerStep);
        w.WriteNumber("syncs_per_step", m.SyncsPerStep);
        w.WriteNumber("device_bytes_per_step", m.DeviceBytesPerStep);
        w.WriteNumber("fresh_device_bytes_per_step", m.FreshDeviceBytesPerStep);
        w.WriteNumber("managed_bytes_per_step", m.ManagedBytesPerStep);
        w.WriteNumber("peak_device_bytes", m.PeakDeviceBytes);
        w.WriteNumber("test_accuracy", m.TestAccuracy);
        if (m.FirstNonFiniteStep is { } i) w.WriteNumber("first_non_finite_loss_step", i + 1);
        else w.WriteNull("first_non_finite_loss_step");
        w.WriteEndObject();
    }
}
