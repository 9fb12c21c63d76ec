using System.Diagnostics;
using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Optim;
using Trainer.Training;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// Trains the reference model eagerly and compiled, from the same initial weights on the same
/// batches, and measures both. Each mode gets its own session so memory figures do not mix.
/// Every step is timed with the device synchronised before and after it; warm-up steps (which
/// include graph compilation) are run but not timed. Uploads, downloads and synchronisations are
/// counted inside the step call only, not the harness's own synchronisations around it.
/// <paramref name="cudaGraphs"/> is `--cuda-graph` for graph mode (null: the session default, Session.CudaGraphsByDefault on CUDA); its
/// fallback warning goes to <paramref name="warnings"/>.
/// </summary>
public sealed class ModeComparison(DeviceRequest device, string? dataDirectory, int batchSize, ulong seed, float learningRate = 0.01f, OptimizerOptions? optimizer = null, ModelKind model = ModelKind.Mlp,
    bool? cudaGraphs = null, TextWriter? warnings = null)
{
    internal DeviceDescription? Device { get; private set; }

    /// <summary>The probability of the model's Dropout before each hidden Dense (`--dropout`); 0 for none. Both modes draw the same masks.</summary>
    public float Dropout { get; init; }

    /// <summary>The label column of a CSV file given as the data (`--label-column`); "label" by default.</summary>
    public string LabelColumn { get; init; } = TrainingData.DefaultLabelColumn;

    /// <summary>Whether <see cref="Run"/> measures graph mode with the fusion passes (`compare --no-fuse` turns them off); true by default.</summary>
    public bool Fuse { get; init; } = true;

    /// <summary>One line naming the device the last measurement ran on (model, kernels, threads); null before the first.</summary>
    public string? DeviceSummary => Device?.Summary;

    /// <summary>Measures eager mode, then graph mode, each <paramref name="warmup"/> + <paramref name="steps"/> steps.</summary>
    public (ModeMeasurement Eager, ModeMeasurement Graph) Run(int warmup, int steps)
    {
        var eager = Measure(ExecutionMode.Eager, warmup, steps);
        var graph = Measure(ExecutionMode.Graph, warmup, steps, Fuse);
        return (eager, graph);
    }

    /// <summary>The most steps (warm-up and timed together) one measurement takes: each step keeps its loss and time.</summary>
    public const int MaxSteps = 10_000_000;

    /// <summary>The largest absolute difference between the two modes' losses (<see cref="LossDifference.MaxAbsolute"/>).</summary>
    public static double MaxLossDifference(ModeMeasurement a, ModeMeasurement b) => LossDifference.MaxAbsolute(a.Losses, b.Losses);

    /// <summary>
    /// The full batches of <paramref name="batches"/> in the order a comparison trains on them: epoch 0's,
    /// then epoch 1's, and so on without end, each read from the pipeline only when it is needed, so
    /// memory does not grow with the number of steps. Only full batches (first dimension
    /// <paramref name="batchSize"/>): a short last batch would make graph mode compile a second shape
    /// mid-measurement.
    /// </summary>
    /// <exception cref="DatasetException">An epoch has no full batch; the message is <paramref name="noFullBatch"/>.</exception>
    internal static IEnumerable<HostTensor[]> FullBatches(Dataset batches, int batchSize, string noFullBatch)
    {
        for (int epoch = 0; ; epoch++)
        {
            bool any = false;
            foreach (var batch in batches.CreateTupleIterator(epoch))
            {
                if (batch[0].Shape[0] != batchSize) continue;
                any = true;
                yield return batch;
            }
            if (!any) throw new DatasetException(noFullBatch);
        }
    }

    /// <summary>Trains <paramref name="warmup"/> + <paramref name="steps"/> steps in one mode and measures the last <paramref name="steps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmup"/> is negative, <paramref name="steps"/> not positive, or together more than <see cref="MaxSteps"/>.</exception>
    /// <param name="mode">Eager or graph.</param>
    /// <param name="warmup">Steps trained before measuring.</param>
    /// <param name="steps">Steps measured.</param>
    /// <param name="fuse">Whether graph mode runs the fusion passes.</param>
    /// <param name="cudaGraph">Overrides the comparison's `--cuda-graph` for this measurement.</param>
    public ModeMeasurement Measure(ExecutionMode mode, int warmup, int steps, bool fuse = true, bool? cudaGraph = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)warmup + steps, MaxSteps, nameof(steps));
        using var session = Session.Open(device);
        session.UseCudaGraphs(cudaGraph ?? cudaGraphs, warnings ?? TextWriter.Null);
        Device = session.Backend.Description;
        // Any data trainer train reads (IDX, CIFAR, image folders, CSV), the model sized from it as train sizes it.
        using var data = TrainingData.Open(dataDirectory, LabelColumn);
        var recipe = new QuickstartSteps(seed, learningRate, optimizer ?? OptimizerOptions.Default, model, data.Input, Dropout);
        if (data.IdxTrain is { } idxTrain && data.IdxTest is { } idxTest) Datapipe.CheckData(idxTrain, idxTest, recipe.Classes);
        using var runner = recipe.CreateModel(session, mode, fuse);
        // Graph mode takes IDX images as bytes and normalises them in the step, as trainer train does.
        bool bytes = mode == ExecutionMode.Graph;
        using var batches = FullBatches(data.CreateBatches(trainSplit: true, batchSize, seed, bytes), batchSize,
            $"{data.Source}: {data.TrainCount} training {(data.Input.IsTabular ? "rows" : "images")} make no full batch of {batchSize}").GetEnumerator();
        var backend = session.Backend;
        var losses = new float[warmup + steps];
        var stepMs = new double[steps];
        long launches = 0, requested = 0, fresh = 0, managed = 0, uploads = 0, downloads = 0, syncs = 0;
        backend.Synchronize();
        backend.Memory.ResetPeak();

        for (int i = 0; i < losses.Length; i++)
        {
            batches.MoveNext(); // never false: the batches cycle through epochs; read before the clock starts
            var batch = batches.Current;
            bool timed = i >= warmup;
            long launchesBefore = backend.LaunchCount, requestedBefore = session.EagerBytesRequested;
            long freshBefore = backend.Memory.AllocatedBytesTotal;
            backend.Synchronize();
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            long uploadsBefore = backend.UploadCount, downloadsBefore = backend.DownloadCount, syncsBefore = backend.SyncCount;
            long start = Stopwatch.GetTimestamp();
            var loss = runner.TrainStep.Call(batch[0], batch[1])[0];
            long uploadsAfter = backend.UploadCount, downloadsAfter = backend.DownloadCount, syncsAfter = backend.SyncCount;
            backend.Synchronize();
            long end = Stopwatch.GetTimestamp();
            long managedAfter = GC.GetAllocatedBytesForCurrentThread();
            if (timed)
            {
                stepMs[i - warmup] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
                launches += backend.LaunchCount - launchesBefore;
                requested += session.EagerBytesRequested - requestedBefore;
                fresh += backend.Memory.AllocatedBytesTotal - freshBefore;
                managed += managedAfter - managedBefore;
                uploads += uploadsAfter - uploadsBefore;
                downloads += downloadsAfter - downloadsBefore;
                syncs += syncsAfter - syncsBefore;
            }
            losses[i] = loss.Item();
            session.EndStep();
        }
        long peak = backend.Memory.PeakLiveBytes;
        double accuracy = runner.Eval(data.CreateLoader(trainSplit: false, batchSize, shuffleSeed: null, bytes)).Accuracy;

        Array.Sort(stepMs);
        double median = Percentile(stepMs, 0.5);
        return new ModeMeasurement
        {
            Mode = mode,
            CompileMs = runner.TrainStep is CompiledStep c ? c.Function.CompileTime.TotalMilliseconds : 0,
            StepMsMedian = median,
            StepMsP10 = Percentile(stepMs, 0.1),
            StepMsP90 = Percentile(stepMs, 0.9),
            StepsPerSecond = 1000.0 / median,
            SamplesPerSecond = 1000.0 * batchSize / median,
            LaunchesPerStep = (double)launches / steps,
            DeviceBytesPerStep = (double)requested / steps,
            FreshDeviceBytesPerStep = (double)fresh / steps,
            ManagedBytesPerStep = (double)managed / steps,
            UploadsPerStep = (double)uploads / steps,
            DownloadsPerStep = (double)downloads / steps,
            SyncsPerStep = (double)syncs / steps,
            PeakDeviceBytes = peak,
            TestAccuracy = accuracy,
            Losses = losses,
        };
    }

    /// <summary>Linear interpolation between closest ranks of a sorted sample.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        double rank = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
