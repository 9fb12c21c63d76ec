using System.Globalization;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// Refuses a checkpoint that holds a NaN or an infinity in any tensor it is loaded for, weights and optimizer state
/// alike: such a model evaluates to garbage that ReLU can hide (a NaN weight whose unit never fires still poisons
/// nothing visible), and a resumed run would diverge at once. Checked on load, before any device is opened.
/// </summary>
internal static class FiniteTensors
{
    /// <summary>
    /// Throws a <see cref="CheckpointException"/> naming the first tensor among <paramref name="names"/> (in the order
    /// given) with a non-finite value, its first such index and how many it has:
    /// <c>run.safetensors: tensor 'fc1.weight' holds NaN at index 17 (3 of 401408 values are not finite); a checkpoint must hold finite numbers</c>.
    /// </summary>
    public static void Check(SafeTensorsFile file, IEnumerable<(string Name, int[] Shape)> names)
    {
        ArgumentNullException.ThrowIfNull(file);
        Check(file.Path, names.Select(n => (n.Name, file.ReadFloat32(n.Name, n.Shape))));
    }

    /// <summary>The same check over the tensors a <see cref="WeightMatch"/> matched, by the model's names for them, in the order given.</summary>
    public static void Check(WeightMatch match, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(match);
        Check(match.File.Path, names.Select(name => (name, match.Values(name))));
    }

    private static void Check(string path, IEnumerable<(string Name, float[] Values)> tensors)
    {
        foreach (var (name, values) in tensors)
        {
            int first = Array.FindIndex(values, v => !float.IsFinite(v));
            if (first < 0) continue;
            int count = values.Count(v => !float.IsFinite(v));
            string what = values[first].ToString(CultureInfo.InvariantCulture);
            throw new CheckpointException(path,
                $"tensor '{name}' holds {what} at index {first} ({count} of {values.Length} values are not finite); a checkpoint must hold finite numbers");
        }
    }
}
