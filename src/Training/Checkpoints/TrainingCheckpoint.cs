using Trainer.Training.Checkpoints.MindSpore;
using Trainer.Training.Loops;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A training run as one file, safetensors or MindSpore .ckpt (<see cref="CheckpointFormat"/>): the model's
/// parameters under their dotted names (<c>dense_relu_sequential.0.weight</c>, [out, in] row-major float32, as
/// MindSpore and PyTorch lay them out), the optimizer's state (in safetensors under <see cref="OptimizerPrefix"/>,
/// e.g. <c>optimizer.moments.fc1.weight</c>; in a .ckpt under MindSpore's own names, <c>moments.fc1.weight</c>),
/// and the run's settings and progress as metadata (<see cref="CheckpointInfo"/>).
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The prefix of the optimizer's state tensors in a checkpoint (<c>optimizer.moments.0.weight</c>, say).</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Writes the current values of <paramref name="steps"/>' model and optimizer state (placed on a
    /// session) atomically and durably to each of <paramref name="paths"/> as safetensors, read from the device once.
    /// Refuses non-finite values with <see cref="TrainingDivergedException"/>, so a saved checkpoint is
    /// always one to go back to.
    /// </summary>
    public static void Save(QuickstartSteps steps, CheckpointInfo info, params string[] paths) =>
        Save(steps, info, CheckpointFormat.SafeTensors, paths);

    /// <summary>As <see cref="Save(QuickstartSteps, CheckpointInfo, string[])"/>, in <paramref name="format"/>.</summary>
    public static void Save(QuickstartSteps steps, CheckpointInfo info, CheckpointFormat format, params string[] paths)
    {
        string prefix = CheckpointFormats.OptimizerPrefix(format);
        var tensors = new List<NamedTensor>();
        foreach (var p in steps.Model.TrainableParams())
            tensors.Add(new NamedTensor(p.Name, p.Shape, p.ToFloatArray()));
        foreach (var s in steps.Optimizer.State)
            tensors.Add(new NamedTensor(prefix + s.Name, s.Shape, s.ToFloatArray()));
        foreach (var t in tensors)
            if (Array.Exists(t.Data, v => !float.IsFinite(v)))
                throw TrainingDivergedException.Weights(info.Batch == 0 ? info.Epoch : info.Epoch + 1, info.Step, t.Name);
        var metadata = info.ToMetadata();
        foreach (string path in paths)
        {
            if (format == CheckpointFormat.MindSporeCkpt) MindSporeCheckpoint.Write(path, tensors, metadata);
            else SafeTensors.Write(path, tensors, metadata);
        }
    }

    /// <summary>
    /// Checks that <paramref name="file"/> holds exactly the tensors <paramref name="steps"/> needs,
    /// with the right dtype and shape: the model's parameters and, when <paramref name="withOptimizer"/>,
    /// the optimizer's state (otherwise optimizer tensors are allowed and ignored). Any other tensor is refused,
    /// as <see cref="WeightLoadOptions.Strict"/> does; every value of the tensors loaded must be finite. Needs no device.
    /// </summary>
    public static void Check(SafeTensorsFile file, QuickstartSteps steps, bool withOptimizer) =>
        Match(file.ToWeightFile(), steps, withOptimizer, new WeightLoadOptions { Strict = true });

    /// <summary>
    /// Matches <paramref name="file"/> (any format, names mapped by <paramref name="options"/>) to the tensors
    /// <paramref name="steps"/> needs: the model's parameters and, when <paramref name="withOptimizer"/>, the
    /// optimizer's state. Without it, optimizer state is skipped silently (safetensors: the <c>optimizer.</c> prefix;
    /// .ckpt: MindSpore's optimizer names, see <see cref="MindSporeNames.IsOptimizerState"/>). Throws the one-line
    /// report of <see cref="WeightMatch.Match"/>. Needs no device.
    /// </summary>
    public static WeightMatch Match(WeightFile file, QuickstartSteps steps, bool withOptimizer, WeightLoadOptions options)
    {
        string prefix = CheckpointFormats.OptimizerPrefix(file.Format);
        var expected = steps.Model.TrainableParams().Select(p => (p.Name, p.Shape)).ToList();
        if (withOptimizer) expected.AddRange(steps.Optimizer.State.Select(s => (prefix + s.Name, s.Shape)));
        Func<string, bool> skip = withOptimizer ? _ => false
            : file.Format == CheckpointFormat.MindSporeCkpt ? MindSporeNames.IsOptimizerState
            : name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal);
        var match = WeightMatch.Match(file, expected, options, skip, $"the {ModelKinds.Name(steps.Kind)}");
        FiniteTensors.Check(match, expected.Select(e => e.Name));
        return match;
    }

    /// <summary>Copies the checkpoint's values into the placed model (and optimizer state) of <paramref name="steps"/>.</summary>
    public static void Load(SafeTensorsFile file, Session session, QuickstartSteps steps, bool withOptimizer)
    {
        Load(Match(file.ToWeightFile(), steps, withOptimizer, new WeightLoadOptions { Strict = true }), session, steps, withOptimizer);
    }

    /// <summary>
    /// Copies a matched file's values, converted to float32, into the placed model (and, when
    /// <paramref name="withOptimizer"/>, optimizer state) of <paramref name="steps"/>. The match must have been made
    /// for the same model and <paramref name="withOptimizer"/>.
    /// </summary>
    public static void Load(WeightMatch match, Session session, QuickstartSteps steps, bool withOptimizer)
    {
        string prefix = CheckpointFormats.OptimizerPrefix(match.File.Format);
        foreach (var p in steps.Model.TrainableParams())
            session.Assign(p, match.Values(p.Name));
        if (!withOptimizer) return;
        foreach (var s in steps.Optimizer.State)
            session.Assign(s, match.Values(prefix + s.Name));
    }
}
