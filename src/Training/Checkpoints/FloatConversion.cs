using System.Buffers.Binary;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// Converts stored floating-point elements to float32 with exactly the value a float64 conversion gives: F16 and
/// BF16 values are all exactly representable in float32 (subnormals included), so they convert exactly; an F64
/// value rounds to the nearest float32, ties to even, as IEEE 754 prescribes. NaN and infinities convert to NaN and
/// infinities, and an F64 value beyond float32's range becomes an infinity: <see cref="ToSingle"/> reports the first
/// such element, because a weight that is not finite is never loaded.
/// </summary>
internal static class FloatConversion
{
    /// <summary>The size of one stored element in bytes.</summary>
    public static int BytesPerElement(FloatEncoding encoding) => encoding switch
    {
        FloatEncoding.Float16 or FloatEncoding.BFloat16 => 2,
        FloatEncoding.Float32 => 4,
        FloatEncoding.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };

    /// <summary>The float32 value of the IEEE binary16 value with these bits (exact).</summary>
    public static float HalfToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>The float32 value of the bfloat16 value with these bits: its bits are float32's upper 16 (exact).</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>The float32 nearest to <paramref name="value"/>, ties to even (infinite beyond float32's range).</summary>
    public static float DoubleToSingle(double value) => (float)value;

    /// <summary>
    /// Converts the little-endian elements in <paramref name="bytes"/> (a whole number of them) into
    /// <paramref name="destination"/> (exactly as many). Returns the index of the first element whose float32 value
    /// is NaN or infinite, or -1 when all are finite.
    /// </summary>
    public static long ToSingle(ReadOnlySpan<byte> bytes, FloatEncoding encoding, Span<float> destination)
    {
        int size = BytesPerElement(encoding);
        if (bytes.Length != (long)destination.Length * size)
            throw new ArgumentException($"{bytes.Length} bytes of {encoding} are not {destination.Length} elements", nameof(bytes));
        long firstNonFinite = -1;
        for (int i = 0; i < destination.Length; i++)
        {
            var element = bytes.Slice(i * size, size);
            float value = encoding switch
            {
                FloatEncoding.Float16 => HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                FloatEncoding.BFloat16 => BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                FloatEncoding.Float32 => BinaryPrimitives.ReadSingleLittleEndian(element),
                _ => DoubleToSingle(BinaryPrimitives.ReadDoubleLittleEndian(element)),
            };
            destination[i] = value;
            if (firstNonFinite < 0 && !float.IsFinite(value)) firstNonFinite = i;
        }
        return firstNonFinite;
    }
}
