using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.IO;
using Trainer.Cli.IO;

namespace Trainer.Cli.Commands;

/// <summary>
/// What `trainer train` checks before it trains, so a bad output or a bad checkpoint costs seconds, not a run: the
/// --save directory (every checkpoint name in it writable as a regular file, the directory claimed for this run, stale
/// temporary files of killed saves removed), outputs against inputs (by device and inode), and the resumed position.
/// </summary>
internal static class TrainPreflight
{
    /// <summary>Creates --save's directory if needed and refuses it when last.safetensors, or any checkpoint name already there, cannot be written as a regular file.</summary>
    public static void CheckSaveDirectory(string directory, CheckpointFormat format)
    {
        if (File.Exists(directory)) throw new IOException($"--save '{directory}': is a file, expected a directory");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--save '{directory}': cannot create the directory ({e.Message})");
        }
        OutputPath.Check("--save", Path.Combine(directory, "last" + CheckpointFormats.Extension(format)));
        // Every name a run may write there, not only last: an epoch-N or step-N that is a FIFO, a device or a link to one is refused now.
        foreach (string entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            if (TrainRun.IsCheckpointName(Path.GetFileName(entry)))
                OutputPath.Check("--save", entry);
    }

    /// <summary>
    /// Refuses --metrics when it is a file this run reads (the --resume checkpoint, the data set's files), and any
    /// checkpoint name already in --save that is one no checkpoint may replace (the data set's files and the metrics
    /// log); returns the latter set, for checking each checkpoint again as it is written. A checkpoint may replace the
    /// one it resumed from: <c>--resume run/last.safetensors --save run</c> is how a run goes on.
    /// </summary>
    public static InputFiles CheckInputs(TrainCommand.Request request, IReadOnlyList<string> dataFiles)
    {
        var forMetrics = new InputFiles();
        var forCheckpoints = new InputFiles();
        if (request.ResumePath is { } resume) forMetrics.Add("--resume", resume);
        foreach (string file in dataFiles)
        {
            forMetrics.Add("--data", file);
            forCheckpoints.Add("--data", file);
        }
        if (request.MetricsPath is { } metrics)
        {
            forMetrics.CheckOutput("--metrics", metrics);
            forCheckpoints.Add("--metrics", metrics);
        }
        // Checkpoint names already in --save (links, hard links) are checked now as well as when written.
        if (request.SaveDirectory is { } directory)
            foreach (string entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
                if (TrainRun.IsCheckpointName(Path.GetFileName(entry)))
                    forCheckpoints.CheckOutput("--save", entry);
        return forCheckpoints;
    }

    /// <summary>
    /// Claims the --save directory for this run (a second run on it fails at once, naming the holder's PID) and deletes
    /// the temporary files that killed saves of earlier runs left there; null without --save or on a rank that does not save.
    /// </summary>
    public static DirectoryLock? ClaimSaveDirectory(TrainCommand.Request request, TextWriter error)
    {
        if (request.SaveDirectory is not { } directory || MpiJob.Rank != 0) return null;
        var claim = DirectoryLock.Acquire(directory, "--save");
        if (claim.Unlocked is { } why) error.WriteLine($"warning: --save '{directory}': not locked against a second run: {why}");
        foreach (string stale in DurableFile.RemoveStaleTemporaryFiles(directory, TrainRun.IsCheckpointName))
            error.WriteLine($"note: --save '{directory}': removed '{stale}', left by a save that was killed");
        return claim;
    }

    /// <summary>A resumed checkpoint's position must lie inside the epoch this data set makes, checked before any device opens.</summary>
    public static void CheckResumePosition(TrainCommand.Request request, int trainCount)
    {
        if (request.ResumeInfo is not { } info || request.ResumePath is not { } path) return;
        long batches = ((long)trainCount + info.BatchSize - 1) / info.BatchSize;
        if (info.Batch >= batches)
            throw new CheckpointException(path, $"metadata 'batch' is {info.Batch}, but an epoch of {trainCount} rows in batches of {info.BatchSize} has {batches} batches (0 to {batches - 1})");
        // Each finished epoch took at least one step (whatever data set it ran on), each batch of this one one step.
        if (info.Step < (long)info.Epoch + info.Batch)
            throw new CheckpointException(path, $"metadata 'step' is {info.Step}, fewer than the {info.Epoch} epoch(s) and {info.Batch} batch(es) it says were trained");
        long remaining = (long)(request.Options.Epochs - info.Epoch) * batches; // at most 2^31 * 2^31: no overflow
        if (info.Step > long.MaxValue - remaining)
            throw new CheckpointException(path, $"metadata 'step' is {info.Step}: {remaining} more steps would overflow the step counter");
    }
}
