using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trainer.Training.IO;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON describing each tensor's dtype, shape and byte range in the data
/// section, then the little-endian data.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted, as in the reference loader.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes <paramref name="tensors"/> as F32, in the order given, contiguous from the start of the data section,
    /// with <paramref name="metadata"/> as <c>__metadata__</c> (left out when empty). The header is compact JSON
    /// (metadata first) padded with spaces so that the data starts at a multiple of 8 bytes. The write is atomic
    /// and durable (<see cref="DurableFile.Write"/>). Throws <see cref="ArgumentException"/> for an empty, reserved
    /// or repeated name, a negative dimension, or a shape whose product differs from the data length, and
    /// <see cref="IOException"/> naming <paramref name="path"/> when the file cannot be written.
    /// </summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        Validate(tensors);
        byte[] header = Header(tensors, metadata);
        DurableFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in tensors) WriteFloats(stream, tensor.Data);
        });
    }

    /// <summary>
    /// Reads and validates <paramref name="path"/> as strictly as the reference loader. It must be a regular file
    /// (a directory or FIFO is refused without blocking) of at least 8 bytes; the header length must be at most
    /// <see cref="MaxHeaderBytes"/> and fit in the file; the header must be valid (see the format's rules); and the
    /// tensors' byte ranges must tile the data section exactly. The data is read only after all that. Any problem
    /// throws a <see cref="CheckpointException"/> with one line naming the file, e.g.
    /// <c>x.safetensors: truncated: the header says 8192 bytes but the file has 100 after the length</c>.
    /// </summary>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = RegularFile.TryOpenRead(path, out string problem) ?? throw new CheckpointException(path, problem);
        try
        {
            return Read(path, stream);
        }
        catch (IOException e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path, $"read failed: {e.Message}", e);
        }
    }

    /// <summary>Reads the file open in <paramref name="stream"/> (at its start); see <see cref="Read(string)"/>.</summary>
    internal static SafeTensorsFile Read(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new CheckpointException(path, $"too short: {fileLength} bytes, but a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException(path, $"header length {headerLength} is over the limit of {MaxHeaderBytes} bytes");
        if ((long)headerLength > fileLength - 8)
            throw new CheckpointException(path, $"truncated: the header says {headerLength} bytes but the file has {fileLength - 8} after the length");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = SafeTensorsHeader.Parse(path, headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;
        header.CheckLayout(path, dataLength);
        if (dataLength > Array.MaxLength)
            throw new CheckpointException(path, $"data section of {dataLength} bytes is too large to load (at most {Array.MaxLength})");

        var data = new byte[dataLength];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, "truncated while reading: the file shrank after its length was checked", e);
        }
        return new SafeTensorsFile(path, header.Metadata, header.Entries, data);
    }

    private static void Validate(IReadOnlyList<NamedTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            if (string.IsNullOrEmpty(tensor.Name)) throw new ArgumentException("a tensor name is empty", nameof(tensors));
            if (tensor.Name == SafeTensorsHeader.MetadataKey) throw new ArgumentException($"'{tensor.Name}' is reserved for metadata", nameof(tensors));
            if (!names.Add(tensor.Name)) throw new ArgumentException($"tensor '{tensor.Name}' is given twice", nameof(tensors));
            if (tensor.Shape.Any(d => d < 0)) throw new ArgumentException($"tensor '{tensor.Name}' has a negative dimension in [{string.Join(", ", tensor.Shape)}]", nameof(tensors));
            long count = tensor.Shape.Aggregate(1L, (a, d) => checked(a * d));
            if (count != tensor.Data.Length)
                throw new ArgumentException($"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] ({count} elements) but {tensor.Data.Length} values", nameof(tensors));
        }
    }

    /// <summary>The header JSON, padded with spaces to a multiple of 8 bytes.</summary>
    private static byte[] Header(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                long end = offset + (long)tensor.Data.Length * sizeof(float);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafeTensorsDtype.F32);
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
        stream.Write(bytes);
    }
}
