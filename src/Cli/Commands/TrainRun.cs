using System.Diagnostics;
using System.Globalization;
using Trainer.Training.Checkpoints;
using Trainer.Training.IO;
using Trainer.Training.Loops;
using Trainer.Training.Metrics;

namespace Trainer.Cli.Commands;

/// <summary>
/// What `trainer train` keeps while the loop runs: the global step count, the periodic and per-epoch
/// checkpoints (<c>step-N</c>, <c>epoch-N</c> and <c>last</c>, .safetensors or .ckpt by --save-format), the metrics records and the progress line.
/// Every rank of a data-parallel job checks the weights at each checkpoint (they are the same on every rank, so a
/// non-finite one stops all ranks at the same step); only the rank that <paramref name="writesCheckpoints"/> writes them.
/// A checkpoint is written before the metrics record of the same moment, and a metrics file that cannot be written
/// (a full disk) costs only the metrics: one warning on <paramref name="warnings"/>, then no more records, while
/// training and checkpoints go on. Before each checkpoint is written its names are checked against
/// <paramref name="protectedFiles"/> (the data set and the metrics log), so no checkpoint replaces one of them.
/// </summary>
internal sealed class TrainRun(QuickstartJob job, TrainCommand.Request request, TrainingProgress progress, MetricsWriter? metrics, int batchesPerEpoch, long step,
    bool writesCheckpoints = true, TextWriter? warnings = null, InputFiles? protectedFiles = null)
    : ITrainObserver
{
    /// <summary>
    /// A loss this many times the first one read in this process (or an untrained model's, ln 10, when that is larger)
    /// counts as diverging, though finite (a run that explodes passes 1e15 before it reaches infinity): the weights it
    /// came from do not make a checkpoint "known good", and while the latest loss read is so high no checkpoint is
    /// written (last.safetensors keeps the state from before), until the loss comes back down.
    /// </summary>
    public const double DivergingLossFactor = 10;

    private bool heldBack;

    private double firstLoss = double.NaN;
    private MetricsWriter? metrics = metrics;

    private readonly Stopwatch sinceLog = new();
    private int samplesSinceLog;
    private float lastLoss = float.NaN;

    // The learning rate as the user wrote it (0.01, not float 0.01's 0.009999999776482582).
    private readonly double learningRate = double.Parse(job.Options.LearningRate.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The learning rate of step <paramref name="index"/>: the schedule's (in float64, before its one rounding), else --lr as written.</summary>
    private double RateAt(long index) => job.Schedule?.Exact(index) ?? learningRate;

    /// <summary>Training steps taken in all, counting those before a resume.</summary>
    public long Step { get; private set; } = step;

    private readonly List<(string Path, long Step)> saved = [];

    // The weights after this many steps are known good: the loss computed from them was read, finite and within bounds.
    private long verifiedStep = step;

    /// <summary>
    /// The most recent checkpoint known good, if any: where a diverged run can go back to. A checkpoint
    /// written after step s counts once a finite loss within bounds (<see cref="DivergingLossFactor"/>) has been
    /// read from its weights or later ones (finite weights alone can still overflow the next forward pass).
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
            if (IsSane(l)) verifiedStep = index; // the loop read it finite and not exploding: the weights after `index` steps were good
        }
        progress.AfterStep(epoch, batch, samples, loss);
        if (metrics is not null && loss is { } logged && batch % QuickstartJob.LogInterval == 0)
        {
            double rate = samplesSinceLog / Math.Max(sinceLog.Elapsed.TotalSeconds, 1e-9);
            WriteMetrics(m => m.WriteStep(epoch + 1, index, logged, RateAt(index), rate));
            sinceLog.Restart();
            samplesSinceLog = 0;
        }
        // A periodic save that falls on an epoch's last step is written with the epoch's, from one read.
        if (request.SaveDirectory is { } dir && request.SaveEvery > 0 && Step % request.SaveEvery == 0 && batch + 1 < batchesPerEpoch && SafeToSave())
            Save(dir, epoch, batch + 1, StepName());
    }

    private string Extension => CheckpointFormats.Extension(request.SaveFormat);

    private string StepName() => $"step-{Step.ToString(CultureInfo.InvariantCulture)}{Extension}";

    public void EndEpoch(int epoch, double accuracy, double testLoss, double samplesPerSecond)
    {
        if (IsSane(testLoss)) verifiedStep = Step; // the test loop ran on this epoch's final weights
        // The checkpoint first: a metrics failure must not cost the epoch's weights.
        if (request.SaveDirectory is { } dir && SafeToSave(double.IsNaN(testLoss) ? double.PositiveInfinity : testLoss))
        {
            string epochName = $"epoch-{(epoch + 1).ToString(CultureInfo.InvariantCulture)}{Extension}";
            bool periodic = request.SaveEvery > 0 && Step % request.SaveEvery == 0;
            Save(dir, epoch + 1, 0, periodic ? [epochName, StepName()] : [epochName]);
        }
        WriteMetrics(m => m.WriteEpoch(epoch + 1, Step, lastLoss, RateAt(Math.Max(0, Step - 1)), samplesPerSecond, accuracy, testLoss));
    }

    /// <summary>
    /// Whether the newest state is one to save: no loss read yet, or the latest read (and, at an epoch's end, the test
    /// loss) within bounds. Otherwise says once that checkpoints are held back.
    /// </summary>
    private bool SafeToSave(double? testLoss = null)
    {
        bool diverging = (!double.IsNaN(lastLoss) && !IsSane(lastLoss)) || (testLoss is { } t && !IsSane(t));
        if (diverging && !heldBack)
            warnings?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the loss ({lastLoss:G6} at step {Step}) is over {DivergingLossFactor}x {Reference()}: no checkpoint is written until it comes down{(LastGood is { } good ? $"; the last good one is '{good}'" : "")}"));
        heldBack = diverging;
        return !diverging;
    }

    /// <summary>An untrained model's loss, ln(classes): the floor of the reference, so a run resumed at a tiny loss is not held to a tiny bound.</summary>
    private static readonly double UntrainedLoss = Math.Log(MnistNetwork.DefaultClasses);

    private double ReferenceLoss => double.IsNaN(firstLoss) ? UntrainedLoss : Math.Max(firstLoss, UntrainedLoss);

    private string Reference() => firstLoss >= UntrainedLoss
        ? string.Create(CultureInfo.InvariantCulture, $"the first ({firstLoss:G6})")
        : string.Create(CultureInfo.InvariantCulture, $"an untrained model's ({UntrainedLoss:G6}, ln {MnistNetwork.DefaultClasses})");

    /// <summary>
    /// Whether a loss read from the weights is finite and at most <see cref="DivergingLossFactor"/> times the larger of
    /// the first loss this process read and an untrained model's.
    /// </summary>
    private bool IsSane(double loss)
    {
        if (!double.IsFinite(loss)) return false;
        if (double.IsNaN(firstLoss)) firstLoss = Math.Abs(loss);
        return Math.Abs(loss) <= DivergingLossFactor * ReferenceLoss;
    }

    /// <summary>Appends a metrics record; when that fails, says so once and writes no more records (training goes on).</summary>
    private void WriteMetrics(Action<MetricsWriter> write)
    {
        if (metrics is not { } writer) return;
        try
        {
            write(writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            metrics = null;
            string reason = e is IOException { HResult: 28 } ? "no space left on device" : e.Message.ReplaceLineEndings(" ");
            warnings?.WriteLine($"warning: --metrics '{writer.Path}': cannot append ({reason}); no more metrics are written, training and checkpoints go on");
            try { writer.Dispose(); } catch (IOException) { } // closing may fail the same way; the records written so far stay
        }
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
        string last = Path.Combine(directory, "last" + Extension);
        foreach (string path in paths.Append(last))
            protectedFiles?.CheckOutput("--save", path); // now, not only at start: a name may have become a link to an input
        TrainingCheckpoint.Save(job.Steps, info, request.SaveFormat, [.. paths, last]);
        saved.Add((paths[0], Step));
    }

    /// <summary>Whether <paramref name="name"/> is one a run writes in a --save directory: <c>last</c>, <c>epoch-N</c> or <c>step-N</c>, <c>.safetensors</c> or <c>.ckpt</c>.</summary>
    public static bool IsCheckpointName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"^(last|(epoch|step)-[0-9]+)\.(safetensors|ckpt)$");
}
