using System.Buffers.Binary;
using System.Text;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// Writes safetensors bytes the way the <c>safetensors</c> library's <c>safetensors.torch.save_file</c> does, by
/// hand and independently of the trainer's writer: <c>__metadata__</c> first (<c>{"format": "pt"}</c> by default),
/// then the tensors ordered by dtype size (largest first) and name, each <c>dtype</c>, <c>shape</c>,
/// <c>data_offsets</c>, compact JSON padded with spaces to 8 bytes.
/// </summary>
internal static class PtStyleSafeTensors
{
    public sealed record Tensor(string Name, string Dtype, long[] Shape, byte[] Data);

    private static int Size(string dtype) => dtype switch { "F64" or "I64" => 8, "F32" or "I32" => 4, "F16" or "BF16" => 2, _ => 1 };

    public static byte[] Build(IEnumerable<Tensor> tensors, string? metadataJson = "{\"format\":\"pt\"}")
    {
        var ordered = tensors.OrderByDescending(t => Size(t.Dtype)).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var json = new StringBuilder("{");
        if (metadataJson is not null) json.Append("\"__metadata__\":").Append(metadataJson);
        long offset = 0;
        foreach (var t in ordered)
        {
            if (json.Length > 1) json.Append(',');
            json.Append($"\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + t.Data.Length}]}}");
            offset += t.Data.Length;
        }
        json.Append('}');
        while (json.Length % 8 != 0) json.Append(' ');
        var header = Encoding.UTF8.GetBytes(json.ToString());
        var bytes = new byte[8 + header.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        long at = 8 + header.Length;
        foreach (var t in ordered)
        {
            t.Data.CopyTo(bytes, at);
            at += t.Data.Length;
        }
        return bytes;
    }

    /// <summary>float32 values as F32, F64 (exact), F16 or BF16 (rounded to nearest, ties to even, by bit arithmetic).</summary>
    public static byte[] Encode(float[] values, string dtype)
    {
        var bytes = new byte[values.Length * Size(dtype)];
        for (int i = 0; i < values.Length; i++)
        {
            switch (dtype)
            {
                case "F32": BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]); break;
                case "F64": BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]); break;
                case "F16": BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]); break;
                case "BF16":
                    uint bits = BitConverter.SingleToUInt32Bits(values[i]);
                    uint rounded = (bits + 0x7fff + ((bits >> 16) & 1)) >> 16;
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)rounded);
                    break;
                default: throw new ArgumentException(dtype);
            }
        }
        return bytes;
    }

    /// <summary>The float64 value of each stored element, from its bits (the reference a load must reproduce).</summary>
    public static double[] Decode(byte[] bytes, string dtype) => dtype switch
    {
        "F32" => [.. Enumerable.Range(0, bytes.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))],
        "F64" => [.. Enumerable.Range(0, bytes.Length / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8)))],
        "F16" => [.. Enumerable.Range(0, bytes.Length / 2).Select(i => HalfValue(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2))))],
        "BF16" => [.. Enumerable.Range(0, bytes.Length / 2).Select(i => BFloat16Value(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2))))],
        _ => throw new ArgumentException(dtype),
    };

    private static double HalfValue(ushort bits)
    {
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
        return exponent == 0 ? sign * mantissa * Math.Pow(2, -24) : sign * (1024 + mantissa) * Math.Pow(2, exponent - 25);
    }

    private static double BFloat16Value(ushort bits)
    {
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >> 7) & 0xff, mantissa = bits & 0x7f;
        return exponent == 0 ? sign * mantissa * Math.Pow(2, -133) : sign * (128 + mantissa) * Math.Pow(2, exponent - 134);
    }
}
