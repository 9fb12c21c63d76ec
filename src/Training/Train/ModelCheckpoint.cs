using System.Globalization;
using Trainer.Training.Checkpoints;

namespace Trainer.Training.Train;

/// <summary>
/// Saves the network and the optimizer's state during training (MindSpore's <c>ModelCheckpoint</c> with its
/// <c>CheckpointConfig(save_checkpoint_steps, keep_checkpoint_max)</c>): every <see cref="SaveSteps"/> global steps
/// (0: never mid-epoch) and at the end of every epoch, to <c>{prefix}-{epoch}_{batch}.safetensors</c> (or
/// <c>.ckpt</c>) in <see cref="Directory"/>, where epoch is the 1-based epoch and batch the batches trained in it,
/// as MindSpore names them. Each file holds the parameters under their dotted names and the optimizer's state
/// (<see cref="TrainingCheckpoint.Save(Nn.Cell, Optim.IOptimizer?, IReadOnlyDictionary{string, string}, int, long, CheckpointFormat, string[])"/>),
/// written atomically and durably, with the loop's position as metadata: <c>epoch</c> (epochs finished),
/// <c>batch</c> (batches into the next) and <c>step</c>, which are what
/// <see cref="TrainRunOptions"/> takes to resume. At most <see cref="KeepMax"/> files are kept, the oldest deleted first.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly Queue<string> written = new();

    /// <summary>A checkpointer writing into <paramref name="directory"/>, which must exist.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    public ModelCheckpoint(string directory, string prefix = "checkpoint", int saveSteps = 0, int keepMax = 5,
        CheckpointFormat format = CheckpointFormat.SafeTensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(saveSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepMax, 1);
        if (prefix.IndexOfAny(['/', '\\']) >= 0) throw new ArgumentException($"the prefix '{prefix}' names a path; give a plain file name prefix", nameof(prefix));
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint directory '{directory}' does not exist");
        Directory = directory;
        Prefix = prefix;
        SaveSteps = saveSteps;
        KeepMax = keepMax;
        Format = format;
    }

    /// <summary>Where the files go.</summary>
    public string Directory { get; }

    /// <summary>What every file name starts with.</summary>
    public string Prefix { get; }

    /// <summary>Global steps between mid-epoch saves; 0 saves at epoch ends only.</summary>
    public int SaveSteps { get; }

    /// <summary>How many of the files written are kept.</summary>
    public int KeepMax { get; }

    /// <summary>safetensors or MindSpore .ckpt.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>The newest file written; null before the first.</summary>
    public string? Latest { get; private set; }

    /// <inheritdoc />
    public override void OnStepEnd(RunContext context)
    {
        long taken = context.Step + 1;
        // A save that falls on an epoch's last step is the epoch's.
        if (SaveSteps > 0 && taken % SaveSteps == 0 && context.Batch + 1 < context.BatchesPerEpoch)
            Save(context, context.Epoch, context.Batch + 1, taken);
    }

    /// <summary>Saves at the end of the epoch; an epoch a callback stopped part-way is saved as far as it got.</summary>
    public override void OnEpochEnd(RunContext context)
    {
        int done = context.Batch + 1;
        if (done < context.BatchesPerEpoch) Save(context, context.Epoch, done, context.Step);
        else Save(context, context.Epoch + 1, 0, context.Step);
    }

    private void Save(RunContext context, int epochsDone, int batchesDone, long steps)
    {
        var metadata = new Dictionary<string, string>
        {
            ["epoch"] = epochsDone.ToString(CultureInfo.InvariantCulture),
            ["batch"] = batchesDone.ToString(CultureInfo.InvariantCulture),
            ["step"] = steps.ToString(CultureInfo.InvariantCulture),
            ["network"] = context.Model.Network.GetType().Name,
        };
        // MindSpore's names: the epoch being trained (1-based) and the batches trained in it.
        int epochNumber = batchesDone == 0 ? epochsDone : epochsDone + 1;
        int batchNumber = batchesDone == 0 ? context.BatchesPerEpoch : batchesDone;
        string name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{epochNumber}_{batchNumber}{CheckpointFormats.Extension(Format)}");
        string path = Path.Combine(Directory, name);
        TrainingCheckpoint.Save(context.Model.Network, context.Model.Optimizer, metadata, epochNumber, steps, Format, path);
        if (!written.Contains(path)) written.Enqueue(path);
        Latest = path;
        while (written.Count > KeepMax) File.Delete(written.Dequeue());
    }
}
