using Trainer.Training;
using Trainer.Training.Checkpoints;
using Trainer.Training.Train;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// The <c>trainer</c> command's checkpoints: the library's <see cref="TrainingCheckpoint"/> of the quick-start's model and
/// optimizer (<see cref="QuickstartSteps"/>), with the command's <c>trainer-checkpoint/1</c> metadata
/// (<see cref="CheckpointInfo"/>: model, optimizer and its settings, dropout, input, classes and the loop's position).
/// </summary>
public static class QuickstartCheckpoint
{
    /// <summary>
    /// Writes the current values of <paramref name="steps"/>' model and optimizer state (placed on a session) with
    /// <paramref name="info"/> as metadata, atomically and durably, to each of <paramref name="paths"/> as safetensors.
    /// Refuses non-finite values with <see cref="TrainingDivergedException"/>; with no paths, that check alone.
    /// </summary>
    public static void Save(QuickstartSteps steps, CheckpointInfo info, params string[] paths) =>
        Save(steps, info, CheckpointFormat.SafeTensors, paths);

    /// <summary>As <see cref="Save(QuickstartSteps, CheckpointInfo, string[])"/>, in <paramref name="format"/>.</summary>
    public static void Save(QuickstartSteps steps, CheckpointInfo info, CheckpointFormat format, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(info);
        TrainingCheckpoint.Save(steps.Model, steps.Optimizer, info.ToMetadata(), info.Batch == 0 ? info.Epoch : info.Epoch + 1, info.Step, format, paths);
    }

    /// <summary>
    /// Matches <paramref name="file"/> (any format, names mapped by <paramref name="options"/>) to the tensors
    /// <paramref name="steps"/> needs: the model's parameters and, when <paramref name="withOptimizer"/>, the
    /// optimizer's state (otherwise optimizer state in the file is skipped). Throws the one-line report of
    /// <see cref="WeightMatch.Match"/>, naming the model as <c>--model</c> does. Needs no device.
    /// </summary>
    public static WeightMatch Match(WeightFile file, QuickstartSteps steps, bool withOptimizer, WeightLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return TrainingCheckpoint.Match(file, steps.Model, withOptimizer ? steps.Optimizer : null, options, $"the {ModelKinds.Name(steps.Kind)}");
    }

    /// <summary>
    /// Copies a matched file's values, converted to float32, into the placed model (and, when
    /// <paramref name="withOptimizer"/>, optimizer state) of <paramref name="steps"/>. The match must have been made
    /// for the same model and <paramref name="withOptimizer"/>.
    /// </summary>
    public static void Load(WeightMatch match, Session session, QuickstartSteps steps, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(steps);
        TrainingCheckpoint.Load(match, session, steps.Model, withOptimizer ? steps.Optimizer : null);
    }
}
