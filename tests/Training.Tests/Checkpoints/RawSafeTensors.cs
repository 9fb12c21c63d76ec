using System.Buffers.Binary;
using System.Text;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Builds safetensors bytes by hand, independently of the writer, so tests can corrupt any part of them.</summary>
internal static class RawSafeTensors
{
    /// <summary>Tensor 'a' F32 [2] at [0, 8) and 'b' F32 [3] at [8, 20), with metadata.</summary>
    public const string ValidHeader =
        "{\"__metadata__\":{\"step\":\"7\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}}";

    public const int ValidDataBytes = 20;

    /// <summary>An 8-byte length (the header's own length unless <paramref name="declaredLength"/> says otherwise), the header, then <paramref name="dataBytes"/> bytes counting up.</summary>
    public static byte[] Build(string header, int dataBytes = ValidDataBytes, ulong? declaredLength = null) =>
        Build(Encoding.UTF8.GetBytes(header), dataBytes, declaredLength);

    public static byte[] Build(byte[] header, int dataBytes = ValidDataBytes, ulong? declaredLength = null)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++) bytes[8 + header.Length + i] = (byte)i;
        return bytes;
    }

    /// <summary>The valid header with the entry for tensor 'b' replaced by <paramref name="entry"/>.</summary>
    public static string WithB(string entry) =>
        "{\"__metadata__\":{\"step\":\"7\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":" + entry + "}";
}
