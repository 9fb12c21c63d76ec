using Trainer.Kernels.Device;

namespace Trainer.Training;

/// <summary>The element type of a tensor (MindSpore's <c>mstype</c>, PyTorch's <c>dtype</c>).</summary>
public enum ElementType
{
    /// <summary>32-bit IEEE 754 floating point: activations, weights, gradients.</summary>
    Float32,

    /// <summary>32-bit signed integer: labels, counts.</summary>
    Int32,

    /// <summary>8-bit unsigned integer: raw image bytes.</summary>
    UInt8,
}

/// <summary>Conversions between <see cref="ElementType"/> and the device layer's element types, and sizes.</summary>
public static class ElementTypes
{
    /// <summary>Bytes one element of <paramref name="type"/> takes.</summary>
    public static int SizeOf(this ElementType type) => DTypeInfo.SizeOf(ToDevice(type));

    /// <summary>The lower-case name MindSpore and PyTorch print: <c>float32</c>, <c>int32</c>, <c>uint8</c>.</summary>
    public static string Name(this ElementType type) => DTypeInfo.Name(ToDevice(type));

    internal static DType ToDevice(this ElementType type) => type switch
    {
        ElementType.Float32 => DType.Float32,
        ElementType.Int32 => DType.Int32,
        ElementType.UInt8 => DType.UInt8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
    };

    internal static ElementType FromDevice(DType type) => type switch
    {
        DType.Float32 => ElementType.Float32,
        DType.Int32 => ElementType.Int32,
        DType.UInt8 => ElementType.UInt8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no public element type for it"),
    };
}
