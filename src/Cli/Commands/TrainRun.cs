using System.Diagnostics;
using System.Globalization;
using Trainer.Training.Checkpoints;
using Trainer.Training.Loops;
using Trainer.Training.Metrics;

namespace Trainer.Cli.Commands;

/// <summary>
/// What `trainer train` keeps while the loop runs: the global step count, the periodic and per-epoch
/// checkpoints (<c>step-N</c>, <c>epoch-N</c> and <c>last</c>, .safetensors or .ckpt by --save-format), the metrics records and the progress line.
/// Every rank of a data-parallel job checks the weights at each checkpoint (they are the same on every rank, so a
/// non-finite one stops all ranks at the same step); only the rank that <paramref name="writesCheckpoints"/> writes them.
/// </summary>
internal sealed class TrainRun(QuickstartJob job, TrainCommand.Request request, TrainingProgress progress, MetricsWriter? metrics, int batchesPerEpoch, long step,
    bool writesCheckpoints = true)
    : ITrainObserver
{
    private readonly Stopwatch sinceLog = new();
    private int samplesSinceLog;
    private float lastLoss = float.NaN;

    // The learning rate as the user wrote it (0.01, not float 0.01's 0.009999999776482582).
    private readonly double learningRate = double.Parse(job.Options.LearningRate.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Training steps taken in all, counting those before a resume.</summary>
    public long Step { get; private set; } = step;

    private readonly List<(string Path, long Step)> saved = [];

    // The weights after this many steps are known good: the loss computed from them was read and finite.
    private long verifiedStep = step;

    /// <summary>
    /// The most recent checkpoint known good, if any: where a diverged run can go back to. A checkpoint
    /// written after step s counts once a finite loss has been read from its weights or later ones
    /// (finite weights alone can still overflow the next forward pass).
    /// </summary>
    public string? LastGood => saved.LastOrDefault(s => s.Step <= verifiedStep).Path;

    public void StartEpoch()
    {
        sinceLog.Restart();
        samplesSinceLog = 0;
    }

    public void AfterStep(int epoch, int batch, int samples, float? loss)
    {
        long index = Step++; // this step's 0-based index over all epochs
        samplesSinceLog += samples;
        if (loss is { } l)
        {
            lastLoss = l;
            verifiedStep = index; // the loop read it finite: the weights after `index` steps were good
        }
        progress.AfterStep(epoch, batch, samples, loss);
        if (metrics is not null && loss is { } logged && batch % QuickstartJob.LogInterval == 0)
        {
            metrics.WriteStep(epoch + 1, index, logged, learningRate, samplesSinceLog / Math.Max(sinceLog.Elapsed.TotalSeconds, 1e-9));
            sinceLog.Restart();
            samplesSinceLog = 0;
        }
        // A periodic save that falls on an epoch's last step is written with the epoch's, from one read.
        if (request.SaveDirectory is { } dir && request.SaveEvery > 0 && Step % request.SaveEvery == 0 && batch + 1 < batchesPerEpoch)
            Save(dir, epoch, batch + 1, StepName());
    }

    private string Extension => CheckpointFormats.Extension(request.SaveFormat);

    private string StepName() => $"step-{Step.ToString(CultureInfo.InvariantCulture)}{Extension}";

    public void EndEpoch(int epoch, double accuracy, double testLoss, double samplesPerSecond)
    {
        if (double.IsFinite(testLoss)) verifiedStep = Step; // the test loop ran on this epoch's final weights
        metrics?.WriteEpoch(epoch + 1, Step, lastLoss, learningRate, samplesPerSecond, accuracy, testLoss);
        if (request.SaveDirectory is not { } dir) return;
        string epochName = $"epoch-{(epoch + 1).ToString(CultureInfo.InvariantCulture)}{Extension}";
        bool periodic = request.SaveEvery > 0 && Step % request.SaveEvery == 0;
        Save(dir, epoch + 1, 0, periodic ? [epochName, StepName()] : [epochName]);
    }

    /// <summary>Writes the current weights once to each of <paramref name="names"/> in <paramref name="directory"/> and to last.safetensors (or, on a rank that does not write, only checks them).</summary>
    private void Save(string directory, int epochsDone, int batchesDone, params string[] names)
    {
        var o = job.Options;
        var info = new CheckpointInfo
        {
            Model = o.Model, Optimizer = o.Optimizer, LearningRate = o.LearningRate, Seed = o.Seed, BatchSize = o.BatchSize,
            Epoch = epochsDone, Batch = batchesDone, Step = Step, FromTrainer = true,
        };
        if (!writesCheckpoints)
        {
            TrainingCheckpoint.Save(job.Steps, info); // no paths: the finiteness check alone
            return;
        }
        var paths = names.Select(n => Path.Combine(directory, n)).ToArray();
        TrainingCheckpoint.Save(job.Steps, info, request.SaveFormat, [.. paths, Path.Combine(directory, "last" + Extension)]);
        saved.Add((paths[0], Step));
    }
}
