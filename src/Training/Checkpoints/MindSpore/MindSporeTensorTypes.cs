namespace Trainer.Training.Checkpoints.MindSpore;

/// <summary>
/// The <c>tensor_type</c> strings MindSpore writes into a .ckpt (<c>str(tensor.dtype)</c>: <c>Float32</c>,
/// <c>Int64</c>, ...; <c>str</c> for a string saved through <c>append_dict</c>), with each one's element size and,
/// for the float types the loader converts, its <see cref="FloatEncoding"/>.
/// </summary>
internal static class MindSporeTensorTypes
{
    /// <summary>The type of a string value: its content is the string in UTF-32 little-endian (numpy's <c>U</c> dtype).</summary>
    public const string String = "str";

    /// <summary>The type the trainer writes its float32 tensors as.</summary>
    public const string Float32 = "Float32";

    private static readonly Dictionary<string, (int Size, FloatEncoding? Encoding)> Types = new(StringComparer.Ordinal)
    {
        ["Bool"] = (1, null), ["Int8"] = (1, null), ["UInt8"] = (1, null),
        ["Int16"] = (2, null), ["UInt16"] = (2, null), ["Int32"] = (4, null), ["UInt32"] = (4, null),
        ["Int64"] = (8, null), ["UInt64"] = (8, null),
        ["Float16"] = (2, FloatEncoding.Float16), ["BFloat16"] = (2, FloatEncoding.BFloat16),
        ["Float32"] = (4, FloatEncoding.Float32), ["Float64"] = (8, FloatEncoding.Float64),
    };

    /// <summary>Every tensor type name read, for messages.</summary>
    public static string Known => string.Join(", ", Types.Keys.Append(String));

    /// <summary>The element size in bytes and float encoding of <paramref name="type"/>; false for an unknown type or <see cref="String"/>.</summary>
    public static bool TryGet(string type, out int size, out FloatEncoding? encoding)
    {
        bool known = Types.TryGetValue(type, out var entry);
        (size, encoding) = entry;
        return known;
    }
}
