using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// Converts every element to <see cref="Target"/>, keeping the shape. Conversions:
/// uint8 to int32 or float32 is exact; int32 to float32 rounds to nearest; int32 to uint8 clamps to
/// [0, 255]; float32 to int32 or uint8 truncates toward zero and clamps to the target's range, with NaN
/// becoming 0. Casting to the input's own type returns a copy.
/// </summary>
public sealed class TypeCast : ITransform
{
    /// <summary>Creates a cast to <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a defined <see cref="DType"/>.</exception>
    public TypeCast(DType target)
    {
        if (!Enum.IsDefined(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "unknown dtype");
        }
        Target = target;
    }

    /// <summary>Creates a cast to <paramref name="target"/>, named by the API's own element type (MindSpore's <c>TypeCast(mstype.int32)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a defined <see cref="ElementType"/>.</exception>
    public TypeCast(ElementType target)
        : this(target.ToDevice())
    {
    }

    /// <summary>The element type of the output.</summary>
    public DType Target { get; }

    /// <inheritdoc />
    public string Name => "TypeCast";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input)
    {
        int[] shape = (int[])input.Shape.Clone();
        return (input.DType, Target) switch
        {
            (DType.UInt8, DType.UInt8) => new HostTensor(shape, (byte[])input.AsUInt8().Clone()),
            (DType.UInt8, DType.Int32) => new HostTensor(shape, Array.ConvertAll(input.AsUInt8(), b => (int)b)),
            (DType.UInt8, DType.Float32) => new HostTensor(shape, Array.ConvertAll(input.AsUInt8(), b => (float)b)),
            (DType.Int32, DType.Int32) => new HostTensor(shape, (int[])input.AsInt32().Clone()),
            (DType.Int32, DType.UInt8) => new HostTensor(shape, Array.ConvertAll(input.AsInt32(), i => (byte)Math.Clamp(i, 0, 255))),
            (DType.Int32, DType.Float32) => new HostTensor(shape, Array.ConvertAll(input.AsInt32(), i => (float)i)),
            (DType.Float32, DType.Float32) => new HostTensor(shape, (float[])input.AsFloat().Clone()),
            (DType.Float32, DType.Int32) => new HostTensor(shape, Array.ConvertAll(input.AsFloat(), FloatToInt32)),
            _ => new HostTensor(shape, Array.ConvertAll(input.AsFloat(), FloatToUInt8)),
        };
    }

    private static int FloatToInt32(float value)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }
        // 2^31 is exactly representable as a float while int.MaxValue is not, so compare against it.
        if (value >= 2147483648f)
        {
            return int.MaxValue;
        }
        if (value <= -2147483648f)
        {
            return int.MinValue;
        }
        return (int)value;
    }

    private static byte FloatToUInt8(float value)
    {
        if (float.IsNaN(value) || value <= 0f)
        {
            return 0;
        }
        return value >= 255f ? (byte)255 : (byte)value;
    }
}
