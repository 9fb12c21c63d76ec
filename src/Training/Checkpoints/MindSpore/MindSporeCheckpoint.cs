using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Trainer.Training.Checkpoints.MindSpore.Proto;
using Trainer.Training.IO;

namespace Trainer.Training.Checkpoints.MindSpore;

/// <summary>
/// Reads and writes MindSpore's <c>.ckpt</c> files: serialized <c>Checkpoint</c> messages of MindSpore's
/// <c>checkpoint.proto</c> (vendored beside this file), one after another, each holding <c>Value</c>s of a
/// <c>tag</c> (the parameter's name) and a <c>TensorProto</c> (<c>dims</c>, <c>tensor_type</c> such as
/// <c>Float32</c>, and the little-endian <c>tensor_content</c>). As MindSpore's <c>load_checkpoint</c> does,
/// consecutive values with the same tag are slices of one tensor (joined in order), <c>dims</c> of <c>[0]</c> mean a
/// scalar, and a value of type <c>str</c> is a string in UTF-32LE (from <c>append_dict</c>).
/// </summary>
public static class MindSporeCheckpoint
{
    /// <summary>The first byte of every .ckpt: the key of <c>Checkpoint.value</c> (field 1, length-delimited).</summary>
    public const byte FirstByte = 0x0A;

    /// <summary>String values named <c>{MetadataPrefix}KEY</c> hold the metadata under KEY (the run, for a trainer checkpoint).</summary>
    public const string MetadataPrefix = "__metadata__.";

    /// <summary>
    /// Writes <paramref name="tensors"/> as <c>Float32</c> values under their names, in order, each in its own
    /// <c>Checkpoint</c> message as MindSpore's <c>save_checkpoint</c> writes them (dims the shape, empty for a
    /// scalar), then each metadata entry as a <c>str</c> value named <c>__metadata__.KEY</c> (dims <c>[0]</c>, UTF-32LE,
    /// as <c>append_dict</c> stores strings). Atomic and durable (<see cref="DurableFile.Write"/>).
    /// </summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var messages = new List<Checkpoint>();
        foreach (var t in tensors)
        {
            if (string.IsNullOrEmpty(t.Name) || !names.Add(t.Name)) throw new ArgumentException($"tensor name '{t.Name}' is empty or repeated", nameof(tensors));
            if (t.Shape.Aggregate(1L, (a, d) => checked(a * d)) != t.Data.Length)
                throw new ArgumentException($"tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Data.Length} values", nameof(tensors));
            var content = new byte[t.Data.Length * sizeof(float)];
            for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(content.AsSpan(i * sizeof(float)), t.Data[i]);
            var tensor = new TensorProto { TensorType = MindSporeTensorTypes.Float32, TensorContent = ByteString.CopyFrom(content) };
            tensor.Dims.AddRange(t.Shape.Select(d => (long)d));
            messages.Add(One(t.Name, tensor));
        }
        foreach (var (key, value) in metadata)
        {
            string tag = MetadataPrefix + key;
            if (!names.Add(tag)) throw new ArgumentException($"metadata '{key}' clashes with a tensor name", nameof(metadata));
            var tensor = new TensorProto { TensorType = MindSporeTensorTypes.String, TensorContent = ByteString.CopyFrom(new UTF32Encoding(false, false).GetBytes(value)) };
            tensor.Dims.Add(0);
            messages.Add(One(tag, tensor));
        }
        DurableFile.Write(path, stream =>
        {
            foreach (var message in messages) message.WriteTo(stream);
        });
    }

    private static Checkpoint One(string tag, TensorProto tensor)
    {
        var checkpoint = new Checkpoint();
        checkpoint.Value.Add(new Checkpoint.Types.Value { Tag = tag, Tensor = tensor });
        return checkpoint;
    }

    /// <summary>
    /// Reads the .ckpt open in <paramref name="stream"/> (at its start). The wire format is checked first
    /// (<see cref="CkptWireCheck"/>), then each value: a known <c>tensor_type</c>, dims not negative and with a
    /// product that fits, content exactly the dims' element count times the element size, slices of one tag
    /// alike in dims and type, and no tag twice otherwise. Every problem is a one-line <see cref="CheckpointException"/>
    /// naming the file and the value.
    /// </summary>
    internal static WeightFile Read(string path, FileStream stream)
    {
        long length = stream.Length;
        if (length > Array.MaxLength)
            throw new CheckpointException(path, $"is {length} bytes, more than a .ckpt can be loaded whole (at most {Array.MaxLength})");
        var bytes = new byte[length];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, "truncated while reading: the file shrank after its length was checked", e);
        }
        CkptWireCheck.Check(path, bytes);
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CheckpointException(path, $"not a valid MindSpore checkpoint: {e.Message}", e);
        }
        return Collect(path, checkpoint.Value);
    }

    private static WeightFile Collect(string path, IList<Checkpoint.Types.Value> values)
    {
        var tensors = new List<StoredTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < values.Count;)
        {
            var value = values[i];
            string tag = value.Tag;
            string where = string.Create(CultureInfo.InvariantCulture, $"value {i} ('{Shorten(tag)}')");
            if (tag.Length == 0) throw new CheckpointException(path, $"{where} has an empty tag");
            if (firstIndex.TryGetValue(tag, out int earlier))
                throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture, $"{where}: tag '{Shorten(tag)}' appears twice (values {earlier} and {i}, not consecutive slices)"));
            firstIndex[tag] = i;
            if (value.ValueCase == Checkpoint.Types.Value.ValueOneofCase.Maptensor)
                throw new CheckpointException(path, $"{where} is a maptensor (a MindSpore MapParameter), which the trainer does not load");
            if (value.ValueCase != Checkpoint.Types.Value.ValueOneofCase.Tensor)
                throw new CheckpointException(path, $"{where} has neither a tensor nor a maptensor");
            // Consecutive values with the same tag are slices of one tensor.
            int end = i + 1;
            while (end < values.Count && values[end].Tag == tag) end++;
            var slices = values.Skip(i).Take(end - i).Select(v => v.Tensor).ToList();
            var first = slices[0];
            for (int s = 1; s < slices.Count; s++)
                if (slices[s].TensorType != first.TensorType || !slices[s].Dims.SequenceEqual(first.Dims) || values[i + s].ValueCase != value.ValueCase)
                    throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture,
                        $"{where}: slice {s} has tensor_type '{Shorten(slices[s].TensorType)}' and dims [{string.Join(", ", slices[s].Dims)}], but the first slice '{Shorten(first.TensorType)}' and [{string.Join(", ", first.Dims)}]"));
            long contentLength = slices.Sum(t => (long)t.TensorContent.Length);
            if (first.TensorType == MindSporeTensorTypes.String)
                AddString(path, where, tag, slices, contentLength, metadata);
            else
                tensors.Add(Tensor(path, where, tag, slices, contentLength));
            i = end;
        }
        return new WeightFile(path, CheckpointFormat.MindSporeCkpt, metadata, tensors);
    }

    private static StoredTensor Tensor(string path, string where, string tag, List<TensorProto> slices, long contentLength)
    {
        var first = slices[0];
        if (!MindSporeTensorTypes.TryGet(first.TensorType, out int size, out var encoding))
            throw new CheckpointException(path, $"{where} has tensor_type '{Shorten(first.TensorType)}', which is not a MindSpore tensor type ({MindSporeTensorTypes.Known})");
        long[] dims = [.. first.Dims];
        if (dims.Length == 1 && dims[0] == 0) dims = []; // MindSpore's load_checkpoint reads dims [0] as a scalar
        string shape = "[" + string.Join(", ", first.Dims) + "]";
        if (dims.Any(d => d < 0)) throw new CheckpointException(path, $"{where} has negative dims {shape}");
        long bytes;
        try
        {
            bytes = checked(dims.Aggregate(1L, (a, d) => checked(a * d)) * size);
        }
        catch (OverflowException)
        {
            throw new CheckpointException(path, $"{where} has dims {shape} whose element count overflows");
        }
        if (bytes != contentLength)
            throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture,
                $"{where}: tensor_content has {contentLength} bytes, but dims {shape} of {first.TensorType} need {bytes}"));
        ReadOnlyMemory<byte> data = slices.Count == 1 ? first.TensorContent.Memory : Join(slices, contentLength);
        return new StoredTensor(tag, first.TensorType, encoding, dims, data);
    }

    private static void AddString(string path, string where, string tag, List<TensorProto> slices, long contentLength, Dictionary<string, string> metadata)
    {
        if (contentLength % 4 != 0)
            throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture, $"{where}: a str value's tensor_content has {contentLength} bytes, not a whole number of UTF-32 characters"));
        string text;
        try
        {
            text = new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true).GetString(Join(slices, contentLength).Span).TrimEnd('\0');
        }
        catch (DecoderFallbackException e)
        {
            throw new CheckpointException(path, $"{where}: a str value's tensor_content is not valid UTF-32", e);
        }
        string key = tag.StartsWith(MetadataPrefix, StringComparison.Ordinal) ? tag[MetadataPrefix.Length..] : tag;
        if (!metadata.TryAdd(key, text)) throw new CheckpointException(path, $"{where}: metadata '{Shorten(key)}' is given twice");
    }

    private static ReadOnlyMemory<byte> Join(List<TensorProto> slices, long length)
    {
        var joined = new byte[length];
        int offset = 0;
        foreach (var slice in slices)
        {
            slice.TensorContent.Span.CopyTo(joined.AsSpan(offset));
            offset += slice.TensorContent.Length;
        }
        return joined;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
