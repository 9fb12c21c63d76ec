using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.IO;
using Trainer.Training.Loops;
using Trainer.Training.Train;
using Trainer.Cli.IO;

namespace Trainer.Cli.Commands;

/// <summary>
/// What `trainer train` keeps while the loop runs, as a callback of <see cref="Model.Train(int, PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/>:
/// the periodic and per-epoch checkpoints (<c>step-N</c>, <c>epoch-N</c> and <c>last</c>, .safetensors or .ckpt by --save-format)
/// and which of them is known good.
/// Every rank of a data-parallel job checks the weights at each checkpoint (they are the same on every rank, so a
/// non-finite one stops all ranks at the same step), after averaging BatchNorm's running statistics over the ranks
/// (<see cref="Model.AverageRunningStatistics"/>); only the rank that <paramref name="writesCheckpoints"/> writes them.
/// The command puts it before the <see cref="MetricsMonitor"/>, so a checkpoint is written before the metrics record of
/// the same moment. Before each checkpoint is written its names are checked against
/// <paramref name="protectedFiles"/> (the data set and the metrics log), so no checkpoint replaces one of them.
/// </summary>
internal sealed class TrainRun(QuickstartJob job, TrainCommand.Request request, long step,
    bool writesCheckpoints = true, TextWriter? warnings = null, InputFiles? protectedFiles = null)
    : Callback
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
    private float lastLoss = float.NaN;

    /// <summary>Training steps taken in all, counting those before a resume.</summary>
    public long Step { get; private set; } = step;

    /// <summary>Whether training steps are running (not the evaluation or the epoch's end): a divergence there names the last good checkpoint.</summary>
    public bool InSteps { get; private set; }

    private readonly List<(string Path, long Step)> saved = [];

    // The weights after this many steps are known good: the loss computed from them was read, finite and within bounds.
    private long verifiedStep = step;

    /// <summary>
    /// The most recent checkpoint known good, if any: where a diverged run can go back to. A checkpoint
    /// written after step s counts once a finite loss within bounds (<see cref="DivergingLossFactor"/>) has been
    /// read from its weights or later ones (finite weights alone can still overflow the next forward pass).
    /// </summary>
    public string? LastGood => saved.LastOrDefault(s => s.Step <= verifiedStep).Path;

    /// <inheritdoc />
    public override void OnEpochBegin(RunContext context) => InSteps = true;

    /// <inheritdoc />
    public override void OnEvalBegin(RunContext context) => InSteps = false;

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context)
    {
        long index = context.Step; // this step's 0-based index over all epochs
        Step = index + 1;
        int epoch = context.Epoch, batch = context.Batch;
        if (context.LossIfRead is { } l)
        {
            lastLoss = l;
            if (IsSane(l)) verifiedStep = index; // the loop read it finite and not exploding: the weights after `index` steps were good
        }
        // A periodic save that falls on an epoch's last step is written with the epoch's, from one read.
        if (request.SaveDirectory is { } dir && request.SaveEvery > 0 && Step % request.SaveEvery == 0 && batch + 1 < context.BatchesPerEpoch && SafeToSave())
            Save(dir, epoch, batch + 1, StepName());
    }

    private string Extension => CheckpointFormats.Extension(request.SaveFormat);

    private string StepName() => $"step-{Step.ToString(CultureInfo.InvariantCulture)}{Extension}";

    /// <inheritdoc />
    public override void OnEpochEnd(RunContext context)
    {
        InSteps = false;
        Step = context.Step;
        int epoch = context.Epoch;
        double testLoss = context.EvalResult?.Loss ?? double.NaN;
        if (IsSane(testLoss)) verifiedStep = Step; // the test loop ran on this epoch's final weights
        // The checkpoint first: a metrics failure must not cost the epoch's weights.
        if (request.SaveDirectory is { } dir && SafeToSave(double.IsNaN(testLoss) ? double.PositiveInfinity : testLoss))
        {
            string epochName = $"epoch-{(epoch + 1).ToString(CultureInfo.InvariantCulture)}{Extension}";
            bool periodic = request.SaveEvery > 0 && Step % request.SaveEvery == 0;
            Save(dir, epoch + 1, 0, periodic ? [epochName, StepName()] : [epochName]);
        }
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

    /// <summary>Writes the current weights once to each of <paramref name="names"/> in <paramref name="directory"/> and to last.safetensors (or, on a rank that does not write, only checks them).</summary>
    private void Save(string directory, int epochsDone, int batchesDone, params string[] names)
    {
        var o = job.Options;
        var info = new CheckpointInfo
        {
            Model = o.Model, Dropout = o.Dropout, Optimizer = o.Optimizer, LearningRate = o.LearningRate, Seed = o.Seed, BatchSize = o.BatchSize,
            Epoch = epochsDone, Batch = batchesDone, Step = Step, FromTrainer = true, Input = job.Steps.Input,
            // IDX checkpoints stay as they were: no record means MNIST's normalisation and no names.
            ClassNames = job.Data.ClassNames, Pixels = job.Data.Format is null ? null : job.Data.Normalization,
        };
        // Every rank comes here at the same step: BatchNorm's running statistics become the mean over the ranks, so
        // the checkpoint holds every rank's model, not rank 0's alone.
        job.Runner.AverageRunningStatistics();
        if (!writesCheckpoints)
        {
            QuickstartCheckpoint.Save(job.Steps, info); // no paths: the finiteness check alone
            return;
        }
        var paths = names.Select(n => Path.Combine(directory, n)).ToArray();
        string last = Path.Combine(directory, "last" + Extension);
        foreach (string path in paths.Append(last))
            protectedFiles?.CheckOutput("--save", path); // now, not only at start: a name may have become a link to an input
        QuickstartCheckpoint.Save(job.Steps, info, request.SaveFormat, [.. paths, last]);
        saved.Add((paths[0], Step));
    }

    /// <summary>Whether <paramref name="name"/> is one a run writes in a --save directory: <c>last</c>, <c>epoch-N</c> or <c>step-N</c>, <c>.safetensors</c> or <c>.ckpt</c>.</summary>
    public static bool IsCheckpointName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"^(last|(epoch|step)-[0-9]+)\.(safetensors|ckpt)$");
}
