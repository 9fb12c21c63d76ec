using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A safetensors file read whole and fully validated by <see cref="SafeTensors.Read(string)"/>: its metadata, its tensors'
/// descriptions in header order, and their bytes. The lookups below throw <see cref="CheckpointException"/> with a
/// one-line message naming the file and the tensor when the file does not hold what the caller expects.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _data;
    private readonly Dictionary<string, SafeTensorsEntry> _byName;

    internal SafeTensorsFile(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries, byte[] data)
    {
        Path = path;
        Metadata = metadata;
        Entries = entries;
        _data = data;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was read from, as the caller gave it; every error message starts with it.</summary>
    public string Path { get; }

    /// <summary>The header's <c>__metadata__</c> (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The file as a <see cref="WeightFile"/>: its metadata and every tensor, sharing this file's bytes.</summary>
    public WeightFile ToWeightFile() => new(Path, CheckpointFormat.SafeTensors, Metadata,
        [.. Entries.Select(e => new StoredTensor(e.Name, e.Dtype, SafeTensorsDtype.Encoding(e.Dtype), e.Shape,
            _data.AsMemory(checked((int)e.Begin), checked((int)(e.End - e.Begin)))))]);

    /// <summary>Whether the file holds a tensor named <paramref name="name"/> (ordinal comparison).</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The metadata value under <paramref name="key"/>; throws <c>{path}: missing metadata 'key'</c> when absent.</summary>
    public string RequireMetadata(string key) =>
        Metadata.TryGetValue(key, out string? value) ? value : throw new CheckpointException(Path, $"missing metadata '{key}'");

    /// <summary>
    /// A copy of tensor <paramref name="name"/>'s elements, row-major. Throws when the tensor is missing
    /// (<c>missing tensor 'n'</c>), is not F32 (<c>tensor 'n' has dtype F16, expected F32</c>) or has another shape
    /// (<c>tensor 'n' has shape [120, 400], expected [120, 401]</c>).
    /// </summary>
    public float[] ReadFloat32(string name, int[] expectedShape)
    {
        if (!_byName.TryGetValue(name, out var entry)) throw new CheckpointException(Path, $"missing tensor '{name}'");
        string? problem = Mismatch(entry, expectedShape);
        if (problem is not null) throw new CheckpointException(Path, problem);
        var bytes = _data.AsSpan(checked((int)entry.Begin), checked((int)(entry.End - entry.Begin)));
        var values = new float[bytes.Length / sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }
        return values;
    }

    /// <summary>
    /// Checks that the file holds exactly the <paramref name="expected"/> F32 tensors with these shapes, ignoring
    /// tensors whose name starts with <paramref name="ignorePrefix"/> (e.g. optimizer state) when given. Throws one
    /// <see cref="CheckpointException"/> listing the problems in order, separated by <c>; </c>: each expected tensor
    /// that is missing or has the wrong dtype or shape, then each unexpected tensor in file order (at most 5 shown,
    /// then a count of the rest).
    /// </summary>
    public void ExpectTensors(IEnumerable<(string Name, int[] Shape)> expected, string? ignorePrefix = null)
    {
        var problems = new List<string>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            wanted.Add(name);
            if (!_byName.TryGetValue(name, out var entry)) problems.Add($"missing tensor '{name}'");
            else if (Mismatch(entry, shape) is { } problem) problems.Add(problem);
        }
        foreach (var entry in Entries)
        {
            bool ignored = ignorePrefix is not null && entry.Name.StartsWith(ignorePrefix, StringComparison.Ordinal);
            if (!ignored && !wanted.Contains(entry.Name)) problems.Add($"unexpected tensor '{entry.Name}'");
        }
        if (problems.Count == 0) return;
        const int shown = 5;
        string text = string.Join("; ", problems.Take(shown));
        if (problems.Count > shown) text += $"; and {problems.Count - shown} more";
        throw new CheckpointException(Path, text);
    }

    private static string? Mismatch(SafeTensorsEntry entry, int[] expectedShape)
    {
        if (entry.Dtype != SafeTensorsDtype.F32) return $"tensor '{entry.Name}' has dtype {entry.Dtype}, expected {SafeTensorsDtype.F32}";
        if (!entry.Shape.SequenceEqual(expectedShape.Select(d => (long)d)))
            return $"tensor '{entry.Name}' has shape {SafeTensorsEntry.Format(entry.Shape)}, expected {SafeTensorsEntry.Format(expectedShape.Select(d => (long)d))}";
        return null;
    }
}
