namespace Trainer.Training.Checkpoints.MindSpore;

/// <summary>
/// The names MindSpore gives what it saves beside a network's weights when it checkpoints a training cell: the
/// optimizer's state (<c>moments.*</c> of nn.Momentum, <c>moment1.*</c>/<c>moment2.*</c> and the beta powers of
/// nn.Adam, <c>accum.*</c>/<c>stat.*</c> of nn.SGD), its hyperparameters and step counters, and the epoch and step
/// numbers of <c>CheckpointConfig(append_info=...)</c>. Loading weights only skips these silently.
/// </summary>
internal static class MindSporeNames
{
    private static readonly string[] StatePrefixes = ["moments.", "moment1.", "moment2.", "accum.", "stat."];

    private static readonly HashSet<string> RunValues = new(StringComparer.Ordinal)
    {
        "beta1_power", "beta2_power", "learning_rate", "momentum", "global_step", "scale_sense",
        "current_iterator_step", "last_overflow_iterator_step", "epoch_num", "step_num",
    };

    /// <summary>Whether <paramref name="name"/> is optimizer or run state under MindSpore's naming, not a weight.</summary>
    public static bool IsOptimizerState(string name) =>
        RunValues.Contains(name) || StatePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
