namespace Trainer.Training.Checkpoints;

/// <summary>The dtypes the safetensors format defines, with each one's size in bits (sub-byte float formats included).</summary>
internal static class SafeTensorsDtype
{
    public const string F32 = "F32";

    private static readonly Dictionary<string, int> BitsByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 8, ["U8"] = 8, ["I8"] = 8,
        ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6,
        ["F8_E5M2"] = 8, ["F8_E4M3"] = 8, ["F8_E8M0"] = 8,
        ["I16"] = 16, ["U16"] = 16, ["F16"] = 16, ["BF16"] = 16,
        ["I32"] = 32, ["U32"] = 32, ["F32"] = 32,
        ["I64"] = 64, ["U64"] = 64, ["F64"] = 64, ["C64"] = 64,
    };

    /// <summary>The size of one element of <paramref name="dtype"/> in bits, or null when it is not a safetensors dtype.</summary>
    public static int? Bits(string dtype) => BitsByName.TryGetValue(dtype, out int bits) ? bits : null;

    /// <summary>The float encoding of <paramref name="dtype"/> when the loader converts it (F16, BF16, F32, F64), else null.</summary>
    public static FloatEncoding? Encoding(string dtype) => dtype switch
    {
        "F16" => FloatEncoding.Float16,
        "BF16" => FloatEncoding.BFloat16,
        "F32" => FloatEncoding.Float32,
        "F64" => FloatEncoding.Float64,
        _ => null,
    };
}
