using System.Diagnostics;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Optim;

namespace Trainer.Training.Loops;

/// <summary>
/// Trains the reference model eagerly and compiled, from the same initial weights on the same
/// batches, and measures both. Each mode gets its own session so memory figures do not mix.
/// Every step is timed with the device synchronised before and after it; warm-up steps (which
/// include graph compilation) are run but not timed.
/// </summary>
public sealed class ModeComparison(DeviceRequest device, string? dataDirectory, int batchSize, ulong seed, float learningRate = 0.01f, OptimizerOptions? optimizer = null, ModelKind model = ModelKind.Mlp)
{
    internal DeviceDescription? Device { get; private set; }

    /// <summary>One line naming the device the last measurement ran on (model, kernels, threads); null before the first.</summary>
    public string? DeviceSummary => Device?.Summary;

    public (ModeMeasurement Eager, ModeMeasurement Graph) Run(int warmup, int steps)
    {
        var eager = Measure(ExecutionMode.Eager, warmup, steps);
        var graph = Measure(ExecutionMode.Graph, warmup, steps);
        return (eager, graph);
    }

    /// <summary>The largest absolute difference between the two modes' losses, step by step.</summary>
    public static double MaxLossDifference(ModeMeasurement a, ModeMeasurement b) =>
        a.Losses.Zip(b.Losses, (x, y) => (double)Math.Abs(x - y)).DefaultIfEmpty(0).Max();

    private List<HostTensor[]> Batches(QuickstartJob job, int count)
    {
        var batches = new List<HostTensor[]>(count);
        for (int epoch = 0; batches.Count < count; epoch++)
        {
            int before = batches.Count;
            // Only full batches: a short last batch would make graph mode compile a second shape mid-measurement.
            batches.AddRange(job.TrainBatches.CreateTupleIterator(epoch).Where(b => b[0].Shape[0] == batchSize).Take(count - batches.Count));
            if (batches.Count == before)
                throw new DatasetException($"{job.TrainData.Source}: {job.TrainData.Count} training images make no full batch of {batchSize}");
        }
        return batches;
    }

    /// <summary>Trains <paramref name="warmup"/> + <paramref name="steps"/> steps in one mode and measures the last <paramref name="steps"/>.</summary>
    public ModeMeasurement Measure(ExecutionMode mode, int warmup, int steps, bool fuse = true)
    {
        using var session = Session.Open(device);
        Device = session.Backend.Description;
        using var job = new QuickstartJob(session, new TrainOptions
        {
            Device = device, Mode = mode, DataDirectory = dataDirectory, BatchSize = batchSize, Seed = seed, LearningRate = learningRate,
            Fuse = fuse, Optimizer = optimizer ?? OptimizerOptions.Default, Model = model,
        });
        var batches = Batches(job, warmup + steps);
        var backend = session.Backend;
        var losses = new float[batches.Count];
        var stepMs = new double[steps];
        long launches = 0, requested = 0, fresh = 0, managed = 0;
        backend.Synchronize();
        backend.Memory.ResetPeak();

        for (int i = 0; i < batches.Count; i++)
        {
            bool timed = i >= warmup;
            long launchesBefore = backend.LaunchCount, requestedBefore = session.EagerBytesRequested;
            long freshBefore = backend.Memory.AllocatedBytesTotal;
            backend.Synchronize();
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            var loss = job.TrainStep.Call(batches[i][0], batches[i][1])[0];
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
            }
            losses[i] = loss.Item();
            session.EndStep();
        }
        long peak = backend.Memory.PeakLiveBytes;
        var (accuracy, _) = job.TestLoop(TextWriter.Null);

        Array.Sort(stepMs);
        double median = Percentile(stepMs, 0.5);
        return new ModeMeasurement
        {
            Mode = mode,
            CompileMs = job.TrainStep is CompiledStep c ? c.Function.CompileTime.TotalMilliseconds : 0,
            StepMsMedian = median,
            StepMsP10 = Percentile(stepMs, 0.1),
            StepMsP90 = Percentile(stepMs, 0.9),
            StepsPerSecond = 1000.0 / median,
            SamplesPerSecond = 1000.0 * batchSize / median,
            LaunchesPerStep = (double)launches / steps,
            DeviceBytesPerStep = (double)requested / steps,
            FreshDeviceBytesPerStep = (double)fresh / steps,
            ManagedBytesPerStep = (double)managed / steps,
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
