using Trainer.Training.Checkpoints.MindSpore;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Train;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A training run as one file, safetensors or MindSpore .ckpt (<see cref="CheckpointFormat"/>): the model's
/// parameters under their dotted names (<c>dense_relu_sequential.0.weight</c>, [out, in] row-major float32, as
/// MindSpore and PyTorch lay them out), the optimizer's state (in safetensors under <see cref="OptimizerPrefix"/>,
/// e.g. <c>optimizer.moments.fc1.weight</c>; in a .ckpt under MindSpore's own names, <c>moments.fc1.weight</c>),
/// and whatever metadata the program that wrote it chose (string keys and values: <see cref="ModelCheckpoint"/> writes the
/// run's position; the <c>trainer</c> command writes its model, optimizer and settings too).
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The prefix of the optimizer's state tensors in a checkpoint (<c>optimizer.moments.0.weight</c>, say).</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Writes the current values of any placed <paramref name="network"/>'s parameters and buffers (under their dotted
    /// names from the cell tree, <see cref="Cell.NamedParameters"/>) and of <paramref name="optimizer"/>'s state (under
    /// its own names, behind the format's optimizer prefix; null for none) atomically and durably to each of
    /// <paramref name="paths"/>, with <paramref name="metadata"/> (string keys and values, what the program wants to
    /// read back: <see cref="ModelCheckpoint"/> writes the run's position), read from the device once. Refuses
    /// non-finite values with <see cref="TrainingDivergedException"/> naming <paramref name="epoch"/> (1-based) and
    /// <paramref name="step"/>, where the run is, so a saved checkpoint is always one to go back to.
    /// </summary>
    public static void Save(Cell network, IOptimizer? optimizer, IReadOnlyDictionary<string, string> metadata, int epoch, long step,
        CheckpointFormat format, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(paths);
        string prefix = CheckpointFormats.OptimizerPrefix(format);
        var tensors = new List<NamedTensor>();
        foreach (var p in StateOf(network))
            tensors.Add(new NamedTensor(p.Name, p.Type.Shape, p.ToFloatArray()));
        foreach (var s in optimizer?.State ?? [])
            tensors.Add(new NamedTensor(prefix + s.Name, s.Type.Shape, s.ToFloatArray()));
        foreach (var t in tensors)
            if (Array.Exists(t.Data, v => !float.IsFinite(v)))
                throw TrainingDivergedException.Weights(epoch, step, t.Name);
        foreach (string path in paths)
        {
            if (format == CheckpointFormat.MindSporeCkpt) MindSporeCheckpoint.Write(path, tensors, metadata);
            else SafeTensors.Write(path, tensors, metadata);
        }
    }

    /// <summary>
    /// Matches <paramref name="file"/> (any format, names mapped by <paramref name="options"/>) to the tensors any
    /// <paramref name="network"/> needs, its parameters by their dotted names, and, with an <paramref name="optimizer"/>,
    /// that optimizer's state under the format's optimizer prefix. Without one, optimizer state in the file is skipped
    /// silently. <paramref name="what"/> names the network in the one-line report of <see cref="WeightMatch.Match"/>
    /// (e.g. <c>the MyNet</c>; null: its class name). Needs no device.
    /// </summary>
    public static WeightMatch Match(WeightFile file, Cell network, IOptimizer? optimizer, WeightLoadOptions options, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        bool withOptimizer = optimizer is not null;
        string prefix = CheckpointFormats.OptimizerPrefix(file.Format);
        var expected = StateOf(network).Select(p => (p.Name, p.Type.Shape)).ToList();
        if (optimizer is not null) expected.AddRange(optimizer.State.Select(s => (prefix + s.Name, s.Type.Shape)));
        Func<string, bool> skip = withOptimizer ? _ => false
            : file.Format == CheckpointFormat.MindSporeCkpt ? MindSporeNames.IsOptimizerState
            : name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal);
        var batchNorms = new BatchNormNames(network);
        Func<string, bool> skipWithCounters = name => batchNorms.IsIgnored(name) || skip(name);
        var match = WeightMatch.MatchWithAliases(file, expected, options, skipWithCounters, what ?? $"the {network.GetType().Name}", batchNorms.Alias);
        FiniteTensors.Check(match, expected.Select(e => e.Name));
        return match;
    }

    /// <summary>
    /// Copies a matched file's values, converted to float32, into the placed <paramref name="network"/> and, with an
    /// <paramref name="optimizer"/>, its placed state. The match must have been made for the same network and optimizer
    /// (<see cref="Match(WeightFile, Cell, IOptimizer?, WeightLoadOptions, string?)"/>).
    /// </summary>
    public static void Load(WeightMatch match, Session session, Cell network, IOptimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(network);
        string prefix = CheckpointFormats.OptimizerPrefix(match.File.Format);
        foreach (var p in StateOf(network))
            session.Assign(p, match.Values(p.Name));
        foreach (var s in optimizer?.State ?? [])
            session.Assign(s, match.Values(prefix + s.Name));
    }

    /// <summary>
    /// Reads <paramref name="path"/> (safetensors or MindSpore .ckpt, told apart by content), checks that it holds
    /// exactly what <paramref name="network"/> (and <paramref name="optimizer"/>, when given) needs, every value finite,
    /// and copies it into them on <paramref name="session"/>. Returns the file's metadata (where a run saved its
    /// position: <see cref="ModelCheckpoint"/> writes <c>epoch</c>, <c>batch</c> and <c>step</c>). Any difference is
    /// one <see cref="CheckpointException"/> line naming the file and every missing, surplus or misshapen tensor.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Session session, Cell network, IOptimizer? optimizer = null)
    {
        var match = Match(WeightFiles.Read(path), network, optimizer, new WeightLoadOptions { Strict = true });
        Load(match, session, network, optimizer);
        return match.File.Metadata;
    }

    /// <summary>What a checkpoint of <paramref name="network"/> holds: its trainable parameters, then its buffers (running statistics), by full dotted names.</summary>
    private static IEnumerable<Parameter> StateOf(Cell network) => network.TrainableParams().Concat(network.Buffers());
}
