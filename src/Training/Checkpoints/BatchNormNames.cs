using Trainer.Training.Nn;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// PyTorch's names for the state of a network's BatchNorm layers, accepted on load: under each BatchNorm's prefix
/// <c>weight</c> is <c>gamma</c>, <c>bias</c> is <c>beta</c>, <c>running_mean</c> is <c>moving_mean</c> and
/// <c>running_var</c> is <c>moving_variance</c>. PyTorch's <c>num_batches_tracked</c> counter has no counterpart (the
/// moving statistics here use a fixed momentum, never a cumulative average) and is skipped without a report.
/// Other names pass unchanged, so a file with the model's own names loads as before.
/// </summary>
internal sealed class BatchNormNames
{
    private static readonly (string PyTorch, string Ours)[] Suffixes =
        [("weight", "gamma"), ("bias", "beta"), ("running_mean", "moving_mean"), ("running_var", "moving_variance")];

    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> ignored = new(StringComparer.Ordinal);

    /// <summary>The aliases of every BatchNorm in <paramref name="network"/>, by its dotted prefix.</summary>
    public BatchNormNames(Cell network) => Collect(network, "");

    private void Collect(Cell cell, string prefix)
    {
        if (cell is BatchNorm)
        {
            foreach (var (pyTorch, ours) in Suffixes) aliases[prefix + pyTorch] = prefix + ours;
            ignored.Add(prefix + "num_batches_tracked");
        }
        foreach (var (name, child) in cell.NameCells()) Collect(child, prefix + name + ".");
    }

    /// <summary>The model's name for <paramref name="name"/>: a BatchNorm's own name for a PyTorch name, else the name itself.</summary>
    public string Alias(string name) => aliases.TryGetValue(name, out var ours) ? ours : name;

    /// <summary>Whether <paramref name="name"/> is a BatchNorm's <c>num_batches_tracked</c>, which loading ignores.</summary>
    public bool IsIgnored(string name) => ignored.Contains(name);
}
