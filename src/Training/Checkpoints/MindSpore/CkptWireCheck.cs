using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Trainer.Training.Checkpoints.MindSpore;

/// <summary>
/// Walks a .ckpt's protobuf wire format by the shape of MindSpore's <c>checkpoint.proto</c> before any parser
/// allocates from it, so that every length and count the file declares is checked where it enters: each key a valid
/// field number and wire type (no groups), each varint at most 10 bytes, each length-delimited field's length at
/// most the bytes left in its enclosing message (a length prefix of 2^62 is refused here, not allocated), the
/// fields of the schema with the wire type the schema gives them, strings valid UTF-8, short and free of control
/// characters, at most
/// <see cref="MaxDims"/> dims a tensor, and every required field present. Unknown fields are skipped as protobuf
/// does, but their lengths are checked the same way. Each problem is a one-line <see cref="CheckpointException"/>
/// naming the file, the field (<c>value[3].tensor.dims</c>) and its byte offset.
/// </summary>
internal static class CkptWireCheck
{
    /// <summary>The most dimensions a tensor may declare.</summary>
    public const int MaxDims = 32;

    /// <summary>The longest tag (parameter name) accepted, in bytes.</summary>
    public const int MaxTagBytes = 4096;

    /// <summary>The longest tensor_type accepted, in bytes.</summary>
    public const int MaxTypeBytes = 64;

    /// <summary>Nesting is fixed by the schema; this bounds it against a hostile file all the same.</summary>
    private const int MaxDepth = 8;

    private enum Message { Checkpoint, Value, Tensor, MapTensor }

    private const int Varint = 0, Fixed64 = 1, Delimited = 2, Fixed32 = 5;

    /// <summary>Checks <paramref name="data"/>, the whole file, as a <c>Checkpoint</c> message.</summary>
    public static void Check(string path, ReadOnlySpan<byte> data) => Walk(path, data, 0, data.Length, Message.Checkpoint, "", 0);

    private static void Walk(string path, ReadOnlySpan<byte> data, int start, int end, Message message, string where, int depth)
    {
        if (depth > MaxDepth) throw Fail(path, where, start, "is nested deeper than MindSpore's schema allows");
        int position = start;
        int values = 0, dims = 0;
        bool tag = false, tensorType = false, content = false;
        while (position < end)
        {
            int keyAt = position;
            ulong key = ReadVarint(path, data, ref position, end, where, "a field key");
            if (key > uint.MaxValue || (key >> 3) == 0)
                throw Fail(path, where, keyAt, $"has a field key {key} whose field number is not a valid protobuf field number");
            int field = (int)(key >> 3), wire = (int)(key & 7);
            string name = FieldName(message, field, values);
            string at = where.Length == 0 ? name : $"{where}.{name}";
            int? expected = ExpectedWire(message, field);
            if (expected is { } w && !(w == wire || (message == Message.Tensor && field == 1 && wire == Delimited)))
                throw Fail(path, at, keyAt, $"has wire type {wire}, expected {w}");
            switch (wire)
            {
                case Varint:
                    ReadVarint(path, data, ref position, end, at, "a varint");
                    if (message == Message.Tensor && field == 1 && ++dims > MaxDims)
                        throw Fail(path, at, keyAt, $"declares more than {MaxDims} dimensions");
                    break;
                case Fixed64:
                case Fixed32:
                    int size = wire == Fixed64 ? 8 : 4;
                    if (end - position < size) throw Fail(path, at, keyAt, $"needs {size} bytes but only {end - position} are left");
                    position += size;
                    break;
                case Delimited:
                    int lengthAt = position;
                    ulong length = ReadVarint(path, data, ref position, end, at, "a length");
                    if (length > (ulong)(end - position))
                        throw Fail(path, at, lengthAt, $"declares {length} bytes but only {end - position} are left in {(where.Length == 0 ? "the file" : where)}");
                    int bodyEnd = position + (int)length;
                    switch (message, field)
                    {
                        case (Message.Checkpoint, 1):
                            Walk(path, data, position, bodyEnd, Message.Value, at, depth + 1);
                            values++;
                            break;
                        case (Message.Value, 1):
                            CheckString(path, data[position..bodyEnd], at, lengthAt, MaxTagBytes);
                            tag = true;
                            break;
                        case (Message.Value, 2):
                        case (Message.MapTensor, 1):
                            Walk(path, data, position, bodyEnd, Message.Tensor, at, depth + 1);
                            break;
                        case (Message.Value, 3):
                            Walk(path, data, position, bodyEnd, Message.MapTensor, at, depth + 1);
                            break;
                        case (Message.Tensor, 1):
                            dims += CountPackedVarints(path, data, position, bodyEnd, at);
                            if (dims > MaxDims) throw Fail(path, at, keyAt, $"declares more than {MaxDims} dimensions");
                            break;
                        case (Message.Tensor, 2):
                            CheckString(path, data[position..bodyEnd], at, lengthAt, MaxTypeBytes);
                            tensorType = true;
                            break;
                        case (Message.Tensor, 3):
                            content = true;
                            break;
                    }
                    position = bodyEnd;
                    break;
                default:
                    throw Fail(path, at, keyAt, $"has wire type {wire}, which MindSpore's checkpoint.proto never uses (groups or an invalid type)");
            }
        }
        if (message == Message.Value && !tag) throw Fail(path, where, start, "has no tag (a required field)");
        if (message == Message.Tensor && !tensorType) throw Fail(path, where, start, "has no tensor_type (a required field)");
        if (message == Message.Tensor && !content) throw Fail(path, where, start, "has no tensor_content (a required field)");
    }

    private static int? ExpectedWire(Message message, int field) => (message, field) switch
    {
        (Message.Checkpoint, 1) or (Message.Value, 1 or 2 or 3) or (Message.Tensor, 2 or 3) or (Message.MapTensor, 1) => Delimited,
        (Message.Tensor, 1) => Varint,
        _ => null,
    };

    private static string FieldName(Message message, int field, int values) => (message, field) switch
    {
        (Message.Checkpoint, 1) => $"value[{values}]",
        (Message.Value, 1) => "tag",
        (Message.Value, 2) => "tensor",
        (Message.Value, 3) => "maptensor",
        (Message.Tensor, 1) => "dims",
        (Message.Tensor, 2) => "tensor_type",
        (Message.Tensor, 3) => "tensor_content",
        (Message.MapTensor, 1) => "tensor",
        _ => $"field {field}",
    };

    private static int CountPackedVarints(string path, ReadOnlySpan<byte> data, int position, int end, string at)
    {
        int count = 0;
        while (position < end)
        {
            ReadVarint(path, data, ref position, end, at, "a packed varint");
            if (++count > MaxDims) return count;
        }
        return count;
    }

    private static void CheckString(string path, ReadOnlySpan<byte> bytes, string at, int offset, int max)
    {
        if (bytes.Length > max) throw Fail(path, at, offset, $"is {bytes.Length} bytes long, more than the {max} allowed");
        if (!Utf8.IsValid(bytes)) throw Fail(path, at, offset, "is not valid UTF-8");
        // Names end up in messages on a terminal: a control character (an escape sequence) is refused where it enters.
        if (Encoding.UTF8.GetString(bytes).Any(char.IsControl)) throw Fail(path, at, offset, "holds a control character");
    }

    private static ulong ReadVarint(string path, ReadOnlySpan<byte> data, ref int position, int end, string at, string what)
    {
        int start = position;
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= end) throw Fail(path, at, start, $"is truncated: {what} runs past the end of {(at.Length == 0 ? "the file" : "its message")}");
            byte b = data[position++];
            if (shift == 63 && b > 1) throw Fail(path, at, start, $"has {what} longer than 64 bits");
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
            if (shift == 63) throw Fail(path, at, start, $"has {what} longer than 10 bytes");
        }
    }

    private static CheckpointException Fail(string path, string at, int offset, string problem) =>
        new(path, string.Create(CultureInfo.InvariantCulture,
            $"not a valid MindSpore checkpoint: {(at.Length == 0 ? "the file" : at)} at byte {offset} {problem}"));
}
