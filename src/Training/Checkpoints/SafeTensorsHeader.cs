using System.Text.Json;
using System.Text.Unicode;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A safetensors header parsed and checked as strictly as the reference loader: UTF-8 JSON, an object whose only
/// non-tensor key is <c>__metadata__</c> (an object of strings), and per tensor exactly <c>dtype</c> (a known
/// dtype), <c>shape</c> (non-negative integers) and <c>data_offsets</c> (two non-negative integers, end ≥ begin,
/// spanning exactly the tensor's bytes). No duplicate keys anywhere. <see cref="CheckLayout"/> then checks the
/// byte ranges against the data section: in range, no overlap, no gap, nothing after the last tensor.
/// Every problem is a <see cref="CheckpointException"/>.
/// </summary>
internal sealed class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 4 };

    private SafeTensorsHeader(Dictionary<string, string> metadata, List<SafeTensorsEntry> entries)
    {
        Metadata = metadata;
        Entries = entries;
    }

    public Dictionary<string, string> Metadata { get; }

    /// <summary>The tensors in the order the header lists them.</summary>
    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>Parses <paramref name="json"/> (the header bytes, space padding included) read from <paramref name="path"/>.</summary>
    public static SafeTensorsHeader Parse(string path, byte[] json)
    {
        if (!Utf8.IsValid(json)) throw new CheckpointException(path, "header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, $"header is a JSON {Kind(root)}, expected an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw new CheckpointException(path, $"header has key '{Shorten(property.Name)}' twice");
                if (property.Name == MetadataKey) metadata = ParseMetadata(path, property.Value);
                else entries.Add(ParseEntry(path, property.Name, property.Value));
            }
            return new SafeTensorsHeader(metadata, entries);
        }
    }

    /// <summary>
    /// Checks that the tensors' byte ranges, sorted by begin, tile the data section of <paramref name="dataLength"/>
    /// bytes exactly: each within it, none overlapping another, no bytes belonging to no tensor, none after the last.
    /// </summary>
    public void CheckLayout(string path, long dataLength)
    {
        long covered = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.End > dataLength)
                throw new CheckpointException(path, $"tensor '{entry.Name}' has data_offsets [{entry.Begin}, {entry.End}] past the end of the {dataLength}-byte data section");
            if (entry.Begin < covered)
                throw new CheckpointException(path, $"tensor '{entry.Name}' data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            if (entry.Begin > covered)
                throw new CheckpointException(path, $"data bytes [{covered}, {entry.Begin}) belong to no tensor (the next is '{entry.Name}')");
            covered = entry.End;
            previous = entry;
        }
        if (covered != dataLength)
            throw new CheckpointException(path, $"trailing data: the tensors end at byte {covered} of the data section but it has {dataLength} bytes");
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, $"'{MetadataKey}' is a JSON {Kind(value)}, expected an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"metadata '{item.Name}' is a JSON {Kind(item.Value)}, expected a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new CheckpointException(path, $"metadata key '{item.Name}' appears twice");
        }
        return metadata;
    }

    private static SafeTensorsEntry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, $"tensor '{name}' is a JSON {Kind(value)}, expected an object with dtype, shape and data_offsets");
        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype": dtype = Once(path, name, field, dtype); break;
                case "shape": shape = Once(path, name, field, shape); break;
                case "data_offsets": offsets = Once(path, name, field, offsets); break;
                default: throw new CheckpointException(path, $"tensor '{name}' has unknown field '{Shorten(field.Name)}'");
            }
        }
        string dtypeName = Dtype(path, name, dtype ?? throw Missing(path, name, "dtype"));
        long[] dims = Integers(path, name, "shape", shape ?? throw Missing(path, name, "shape"));
        long[] range = Integers(path, name, "data_offsets", offsets ?? throw Missing(path, name, "data_offsets"));
        if (range.Length != 2)
            throw new CheckpointException(path, $"tensor '{name}' data_offsets has {range.Length} numbers, expected 2 (begin, end)");
        var entry = new SafeTensorsEntry(name, dtypeName, dims, range[0], range[1]);
        if (entry.End < entry.Begin)
            throw new CheckpointException(path, $"tensor '{name}' data_offsets [{entry.Begin}, {entry.End}] end before they begin");
        CheckByteLength(path, entry);
        return entry;
    }

    private static void CheckByteLength(string path, SafeTensorsEntry entry)
    {
        int bits = SafeTensorsDtype.Bits(entry.Dtype)!.Value;
        string shape = SafeTensorsEntry.Format(entry.Shape);
        long bytes;
        try
        {
            bytes = checked(entry.Shape.Aggregate(1L, (a, b) => checked(a * b)) * bits);
        }
        catch (OverflowException)
        {
            throw new CheckpointException(path, $"tensor '{entry.Name}' shape {shape} has too many elements");
        }
        if (bytes % 8 != 0)
            throw new CheckpointException(path, $"tensor '{entry.Name}' shape {shape} of {entry.Dtype} is not a whole number of bytes");
        bytes /= 8;
        long found = entry.End - entry.Begin;
        if (found != bytes)
            throw new CheckpointException(path, $"tensor '{entry.Name}' has {found} bytes (data_offsets [{entry.Begin}, {entry.End}]), expected {bytes} for {entry.Dtype} {shape}");
    }

    private static string Dtype(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new CheckpointException(path, $"tensor '{name}' dtype is a JSON {Kind(value)}, expected a string");
        string dtype = value.GetString()!;
        if (SafeTensorsDtype.Bits(dtype) is null)
            throw new CheckpointException(path, $"tensor '{name}' has unknown dtype '{dtype}'");
        return dtype;
    }

    private static long[] Integers(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(path, $"tensor '{name}' {field} is a JSON {Kind(value)}, expected an array of non-negative integers");
        var numbers = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw new CheckpointException(path, $"tensor '{name}' {field} holds {Shorten(item.GetRawText())}, expected a non-negative integer");
            numbers[i++] = n;
        }
        return numbers;
    }

    private static JsonElement Once(string path, string name, JsonProperty field, JsonElement? earlier) =>
        earlier is null ? field.Value : throw new CheckpointException(path, $"tensor '{name}' has field '{field.Name}' twice");

    /// <summary>At most 40 characters of <paramref name="text"/>, so a hostile header cannot make a huge message.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static CheckpointException Missing(string path, string name, string field) =>
        new(path, $"tensor '{name}' has no '{field}'");

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
