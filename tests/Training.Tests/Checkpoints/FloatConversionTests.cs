using System.Buffers.Binary;
using Trainer.Training.Checkpoints;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// F16, BF16 and F64 to float32 against float64 arithmetic on the bit fields (sign, exponent, mantissa), never
/// against .NET's own conversions: every one of the 65,536 F16 and BF16 bit patterns, and F64 values at the
/// rounding boundaries, in the subnormal range and past float32's range.
/// </summary>
public sealed class FloatConversionTests
{
    /// <summary>The value of a binary float with these fields, in float64 (exact for F16 and BF16); NaN for a NaN.</summary>
    private static double Decode(uint bits, int exponentBits, int mantissaBits)
    {
        int bias = (1 << (exponentBits - 1)) - 1;
        double sign = (bits >> (exponentBits + mantissaBits)) != 0 ? -1 : 1;
        uint exponent = (bits >> mantissaBits) & ((1u << exponentBits) - 1);
        uint mantissa = bits & ((1u << mantissaBits) - 1);
        if (exponent == (1u << exponentBits) - 1) return mantissa == 0 ? sign * double.PositiveInfinity : double.NaN;
        double fraction = mantissa / Math.Pow(2, mantissaBits);
        return exponent == 0
            ? sign * fraction * Math.Pow(2, 1 - bias) // subnormal
            : sign * (1 + fraction) * Math.Pow(2, (int)exponent - bias);
    }

    [Fact]
    public void Every_F16_bit_pattern_converts_to_its_exact_value()
    {
        for (uint bits = 0; bits <= ushort.MaxValue; bits++)
        {
            double expected = Decode(bits, 5, 10);
            float actual = FloatConversion.HalfToSingle((ushort)bits);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"F16 0x{bits:x4} is a NaN, got {actual}");
            else Assert.True(actual == expected && (1 / (double)actual > 0) == (1 / expected > 0), $"F16 0x{bits:x4}: {actual} against {expected}");
        }
        Assert.Equal(Math.Pow(2, -24), FloatConversion.HalfToSingle(0x0001)); // the smallest subnormal
        Assert.Equal(65504f, FloatConversion.HalfToSingle(0x7bff)); // the largest finite
    }

    [Fact]
    public void Every_BF16_bit_pattern_converts_to_its_exact_value()
    {
        for (uint bits = 0; bits <= ushort.MaxValue; bits++)
        {
            double expected = Decode(bits, 8, 7);
            float actual = FloatConversion.BFloat16ToSingle((ushort)bits);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"BF16 0x{bits:x4} is a NaN, got {actual}");
            else Assert.True(actual == expected && (1 / (double)actual > 0) == (1 / expected > 0), $"BF16 0x{bits:x4}: {actual} against {expected}");
        }
    }

    /// <summary>The float32 nearest to <paramref name="value"/>, ties to the even mantissa, found by a search over float32 bit patterns.</summary>
    private static float Nearest(double value)
    {
        if (Math.Abs(value) >= (double)float.MaxValue + Math.Pow(2, 103)) return value > 0 ? float.PositiveInfinity : float.NegativeInfinity; // past the halfway point to 2^128
        // Binary search over the ordered non-negative float32 bit patterns for the largest one <= |value|.
        double magnitude = Math.Abs(value);
        int low = 0, high = 0x7f7fffff;
        while (low < high)
        {
            int mid = low + (high - low + 1) / 2;
            if (BitConverter.Int32BitsToSingle(mid) <= magnitude) low = mid; else high = mid - 1;
        }
        double below = BitConverter.Int32BitsToSingle(low);
        double above = low == 0x7f7fffff ? double.PositiveInfinity : BitConverter.Int32BitsToSingle(low + 1);
        int chosen = magnitude - below < above - magnitude ? low
            : magnitude - below > above - magnitude ? low + 1
            : (low & 1) == 0 ? low : low + 1;
        float result = BitConverter.Int32BitsToSingle(chosen);
        return value < 0 || (value == 0 && double.IsNegative(value)) ? -result : result;
    }

    public static TheoryData<double> Doubles => new()
    {
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, Math.PI, 1e-3, 123456.789,
        1 + Math.Pow(2, -24), // halfway between 1 and the next float: ties to even, 1
        1 + 3 * Math.Pow(2, -24), // halfway: ties to even, 1 + 2^-22
        1 + Math.Pow(2, -24) + Math.Pow(2, -50), // just above halfway: rounds up
        Math.Pow(2, -149), // the smallest float32 subnormal
        Math.Pow(2, -150), // halfway to it: ties to even, zero
        Math.Pow(2, -150) * 1.0000001, // just above: the smallest subnormal
        3 * Math.Pow(2, -150), // halfway between subnormals 1 and 2: ties to 2
        Math.Pow(2, -126) * 0.75, // subnormal
        float.MaxValue, -(double)float.MaxValue,
        (double)float.MaxValue + Math.Pow(2, 103) * 0.999, // rounds down to MaxValue
        1e-40, -1e-45, 1e300, -1e300,
    };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void F64_rounds_to_the_nearest_float32_ties_to_even(double value)
    {
        float expected = Nearest(value);
        float actual = FloatConversion.DoubleToSingle(value);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
    }

    [Fact]
    public void Random_F64_values_round_to_the_nearest_float32()
    {
        var random = new Random(11);
        var bytes = new byte[8];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            double value = BitConverter.ToDouble(bytes);
            if (!double.IsFinite(value) || Math.Abs(value) > 1e39 || (value != 0 && Math.Abs(value) < 1e-47)) continue;
            Assert.Equal(BitConverter.SingleToInt32Bits(Nearest(value)), BitConverter.SingleToInt32Bits(FloatConversion.DoubleToSingle(value)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65)]
    public void A_span_converts_element_by_element_and_names_the_first_non_finite(int count)
    {
        var f16 = new byte[count * 2];
        var f64 = new byte[count * 8];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(f16.AsSpan(i * 2), (ushort)(0x3c00 + i)); // 1 + i/1024
            BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(i * 8), i * 0.1);
        }
        var values = new float[count];
        Assert.Equal(-1, FloatConversion.ToSingle(f16, FloatEncoding.Float16, values));
        for (int i = 0; i < count; i++) Assert.Equal(1 + i / 1024.0, values[i]);
        Assert.Equal(-1, FloatConversion.ToSingle(f64, FloatEncoding.Float64, values));
        for (int i = 0; i < count; i++) Assert.Equal(Nearest(i * 0.1), values[i]);

        BinaryPrimitives.WriteUInt16LittleEndian(f16.AsSpan((count - 1) * 2), 0x7e00); // NaN
        Assert.Equal(count - 1, FloatConversion.ToSingle(f16, FloatEncoding.Float16, values));
        BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan((count - 1) * 8), 1e39); // finite in F64, infinite in F32
        Assert.Equal(count - 1, FloatConversion.ToSingle(f64, FloatEncoding.Float64, values));
    }
}
