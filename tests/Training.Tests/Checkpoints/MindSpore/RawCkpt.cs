using System.Text;

namespace Trainer.Training.Tests.Checkpoints.MindSpore;

/// <summary>
/// Builds .ckpt bytes by hand from protobuf's wire format (keys, varints, lengths), independently of Google.Protobuf
/// and of the trainer's writer, so tests can build files MindSpore would write and corrupt any field of them.
/// </summary>
internal static class RawCkpt
{
    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        return [.. bytes];
    }

    public static byte[] Key(int field, int wire) => Varint((ulong)(field << 3 | wire));

    /// <summary>A length-delimited field: key, length, body.</summary>
    public static byte[] Delimited(int field, byte[] body) => [.. Key(field, 2), .. Varint((ulong)body.Length), .. body];

    /// <summary>A TensorProto: one varint dims field per dimension (proto2's unpacked encoding), tensor_type, tensor_content.</summary>
    public static byte[] Tensor(long[] dims, string type, byte[] content) =>
        [.. dims.SelectMany(d => (byte[])[.. Key(1, 0), .. Varint(unchecked((ulong)d))]), .. Delimited(2, Encoding.UTF8.GetBytes(type)), .. Delimited(3, content)];

    /// <summary>A Checkpoint.Value with a tag and a tensor.</summary>
    public static byte[] Value(string tag, byte[] tensor) => [.. Delimited(1, Encoding.UTF8.GetBytes(tag)), .. Delimited(2, tensor)];

    /// <summary>A Checkpoint holding one value, as MindSpore writes each parameter (files are these, appended).</summary>
    public static byte[] Checkpoint(byte[] value) => Delimited(1, value);

    /// <summary>One Checkpoint message per (tag, tensor), appended.</summary>
    public static byte[] File(params (string Tag, byte[] Tensor)[] values) => [.. values.SelectMany(v => Checkpoint(Value(v.Tag, v.Tensor)))];

    /// <summary>float32 values, little-endian.</summary>
    public static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];
}
