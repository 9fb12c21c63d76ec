namespace Trainer.Kernels.Device;

/// <summary>Element types a tensor can hold, on the host and on the device.</summary>
public enum DType
{
    /// <summary>32-bit IEEE floating point: activations, weights and gradients.</summary>
    Float32,
    /// <summary>32-bit signed integer: class labels and counts.</summary>
    Int32,
    /// <summary>8-bit unsigned integer: raw image pixels.</summary>
    UInt8,
}

/// <summary>Sizes and names of <see cref="DType"/> values.</summary>
public static class DTypeInfo
{
    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int SizeOf(DType type) => type switch
    {
        DType.Float32 => 4,
        DType.Int32 => 4,
        DType.UInt8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };

    /// <summary>The lower-case name of <paramref name="type"/> (<c>float32</c>, <c>int32</c>, <c>uint8</c>), as NumPy and safetensors spell it.</summary>
    public static string Name(DType type) => type switch
    {
        DType.Float32 => "float32",
        DType.Int32 => "int32",
        DType.UInt8 => "uint8",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };
}
