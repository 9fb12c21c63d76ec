namespace Trainer.Kernels.Device;

/// <summary>Element types a tensor can hold, on the host and on the device.</summary>
public enum DType
{
    Float32,
    Int32,
    UInt8,
}

/// <summary>Sizes and names of <see cref="DType"/> values.</summary>
public static class DTypeInfo
{
    public static int SizeOf(DType type) => type switch
    {
        DType.Float32 => 4,
        DType.Int32 => 4,
        DType.UInt8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };

    public static string Name(DType type) => type switch
    {
        DType.Float32 => "float32",
        DType.Int32 => "int32",
        DType.UInt8 => "uint8",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };
}
