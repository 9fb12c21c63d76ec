using System.Globalization;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A weights file matched to the tensors a model (and optionally its optimizer) needs, as PyTorch's
/// <c>load_state_dict</c> matches a state dict: every needed tensor found under its (renamed) name with the right
/// shape and a float type, or one <see cref="CheckpointException"/> whose single line lists every missing name,
/// every shape mismatch with both shapes, every tensor of a type that is not a float, every name two tensors map to,
/// and, with <see cref="WeightLoadOptions.Strict"/>, every tensor the model does not use. Without it those are
/// kept in <see cref="Unused"/> for the caller to report. Needed tensors are converted to float32 as they are matched.
/// </summary>
public sealed class WeightMatch
{
    private readonly Dictionary<string, StoredTensor> found;
    private readonly Dictionary<string, float[]> values = new(StringComparer.Ordinal);

    private WeightMatch(WeightFile file, Dictionary<string, StoredTensor> found, List<string> unused)
    {
        File = file;
        this.found = found;
        Unused = unused;
    }

    /// <summary>The file matched.</summary>
    public WeightFile File { get; }

    /// <summary>Names (as in the file) of the tensors nothing needs and that were not skipped as known extras.</summary>
    public IReadOnlyList<string> Unused { get; }

    /// <summary>The dtypes (as the file names them) of the needed tensors that are converted to float32, each once.</summary>
    public IReadOnlyList<string> ConvertedDtypes =>
        [.. found.Values.Where(t => t.Encoding != FloatEncoding.Float32).Select(t => t.Dtype).Distinct()];

    /// <summary>
    /// Matches <paramref name="file"/> against <paramref name="expected"/> (names as the model names them, shapes).
    /// <paramref name="skip"/> names file tensors (after renaming) that are neither needed nor worth reporting, e.g.
    /// optimizer state when only weights are loaded. <paramref name="model"/> says what is loaded, for the message
    /// (<c>the mlp</c>).
    /// </summary>
    public static WeightMatch Match(WeightFile file, IReadOnlyList<(string Name, int[] Shape)> expected, WeightLoadOptions options,
        Func<string, bool> skip, string model) =>
        MatchWithAliases(file, expected, options, skip, model, name => name);

    /// <summary>
    /// <see cref="Match"/> with
    /// <paramref name="alias"/> applied to each name after <see cref="WeightLoadOptions.Rename"/> (a model's own
    /// aliases, such as BatchNorm's PyTorch names).
    /// </summary>
    internal static WeightMatch MatchWithAliases(WeightFile file, IReadOnlyList<(string Name, int[] Shape)> expected, WeightLoadOptions options,
        Func<string, bool> skip, string model, Func<string, string> alias)
    {
        var wanted = expected.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
        var byName = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        var problems = new List<string>();
        var unused = new List<string>();
        foreach (var tensor in file.Tensors)
        {
            string name = alias(options.Rename.Apply(tensor.Name));
            if (byName.TryGetValue(name, out var other))
            {
                problems.Add($"'{other.Name}' and '{tensor.Name}' both map to '{name}'");
                continue;
            }
            byName[name] = tensor;
        }
        var mismatches = new List<string>();
        var missing = new List<string>();
        var found = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            if (!byName.TryGetValue(name, out var tensor))
            {
                missing.Add($"'{name}'");
                continue;
            }
            string label = Label(name, tensor);
            if (tensor.Encoding is null)
                mismatches.Add($"{label} has dtype {tensor.Dtype}, expected a float type (F16, BF16, F32 or F64)");
            else if (!tensor.Shape.SequenceEqual(shape.Select(d => (long)d)))
                mismatches.Add($"{label} has shape {tensor.ShapeText} in the file, {SafeTensorsEntry.Format(shape.Select(d => (long)d))} in the model");
            else
                found[name] = tensor;
        }
        foreach (var tensor in file.Tensors) // in file order
        {
            string name = alias(options.Rename.Apply(tensor.Name));
            if (byName[name] == tensor && !wanted.ContainsKey(name) && !skip(name)) unused.Add(Label(name, tensor));
        }

        if (missing.Count > 0) problems.Add($"missing {Count(missing.Count, "tensor")}: {string.Join(", ", missing)}");
        if (mismatches.Count > 0) problems.Add(string.Join("; ", mismatches));
        if (options.Strict && unused.Count > 0) problems.Add($"unexpected {Count(unused.Count, "tensor")} (--strict): {string.Join(", ", unused)}");
        if (problems.Count > 0)
        {
            string hint = found.Count == 0 && missing.Count == expected.Count && byName.Count > 0
                ? $" (the file's names start like '{file.Tensors[0].Name}'; --rename FROM=TO maps another framework's names)"
                : "";
            throw new CheckpointException(file.Path, $"does not fit {model}: {string.Join("; ", problems)}{hint}");
        }
        var match = new WeightMatch(file, found, unused);
        foreach (var name in found.Keys) match.values[name] = match.Convert(name);
        return match;
    }

    /// <summary>
    /// The float32 values of the needed tensor <paramref name="name"/> (the model's name for it), converted from the
    /// file's type when it was matched: <see cref="Match"/> refuses a value that is NaN or infinite after conversion (a
    /// NaN or infinity stored as F16, BF16 or F64, or an F64 beyond float32's range) with a one-line
    /// <see cref="CheckpointException"/> naming the tensor and the element. A fresh copy each call.
    /// </summary>
    public float[] Values(string name) => (float[])values[name].Clone();

    private float[] Convert(string name)
    {
        var tensor = found[name];
        var encoding = tensor.Encoding!.Value;
        var values = new float[tensor.Data.Length / FloatConversion.BytesPerElement(encoding)];
        long bad = FloatConversion.ToSingle(tensor.Data.Span, encoding, values);
        if (bad >= 0 && encoding != FloatEncoding.Float32)
        {
            string what = float.IsNaN(values[bad]) ? "NaN"
                : encoding == FloatEncoding.Float64 && double.IsFinite(BitConverter.ToDouble(tensor.Data.Span.Slice((int)bad * 8, 8))) ? "beyond float32's range"
                : "infinite";
            throw new CheckpointException(File.Path, string.Create(CultureInfo.InvariantCulture,
                $"tensor {Label(name, tensor)} element {bad} is {what} as float32 ({tensor.Dtype} value {Stored(tensor, bad)}); weights must be finite"));
        }
        return values;
    }

    private static string Stored(StoredTensor tensor, long index)
    {
        int size = FloatConversion.BytesPerElement(tensor.Encoding!.Value);
        var bytes = tensor.Data.Span.Slice((int)index * size, size);
        return tensor.Encoding == FloatEncoding.Float64
            ? BitConverter.ToDouble(bytes).ToString("R", CultureInfo.InvariantCulture)
            : "bits 0x" + BitConverter.ToUInt16(bytes).ToString("x4", CultureInfo.InvariantCulture);
    }

    private static string Label(string name, StoredTensor tensor) => name == tensor.Name ? $"'{name}'" : $"'{tensor.Name}' (as '{name}')";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
