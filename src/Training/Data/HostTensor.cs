using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// A dense, row-major tensor in host memory holding <see cref="DType.Float32"/>, <see cref="DType.Int32"/>
/// or <see cref="DType.UInt8"/> elements. It is the unit of data that flows through a <see cref="Dataset"/>.
/// </summary>
/// <remarks>
/// The shape and element arrays are shared, not copied, for speed: treat both as read-only once the
/// tensor has been handed to a pipeline, because pipeline stages may pass the same instance on.
/// </remarks>
public sealed class HostTensor
{
    private readonly float[]? _float32;
    private readonly int[]? _int32;
    private readonly byte[]? _uint8;

    /// <summary>Wraps <paramref name="data"/> as a float32 tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or its element count differs from the data length.</exception>
    public HostTensor(int[] shape, float[] data)
        : this(shape, DType.Float32, data.Length)
    {
        _float32 = data;
    }

    /// <summary>Wraps <paramref name="data"/> as an int32 tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or its element count differs from the data length.</exception>
    public HostTensor(int[] shape, int[] data)
        : this(shape, DType.Int32, data.Length)
    {
        _int32 = data;
    }

    /// <summary>Wraps <paramref name="data"/> as a uint8 tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or its element count differs from the data length.</exception>
    public HostTensor(int[] shape, byte[] data)
        : this(shape, DType.UInt8, data.Length)
    {
        _uint8 = data;
    }

    private HostTensor(int[] shape, DType dtype, int dataLength)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int count = ElementCountOf(shape);
        if (count != dataLength)
        {
            throw new ArgumentException(
                $"shape {FormatShape(shape)} has {count} elements but the data has {dataLength}", nameof(shape));
        }
        Shape = shape;
        DType = dtype;
        ElementCount = count;
    }

    /// <summary>Dimensions, outermost first. A scalar has the empty shape <c>[]</c>.</summary>
    public int[] Shape { get; }

    /// <summary>Element type; decides which of <see cref="AsFloat"/>, <see cref="AsInt32"/>, <see cref="AsUInt8"/> succeeds.</summary>
    public DType DType { get; }

    /// <summary>The element type, as the API names it (<see cref="Tensor.ElementType"/>).</summary>
    public ElementType ElementType => ElementTypes.FromDevice(DType);

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Length;

    /// <summary>Product of <see cref="Shape"/>; 1 for a scalar, 0 if any dimension is 0.</summary>
    public int ElementCount { get; }

    /// <summary>Allocates a zero-filled tensor of the given type and shape.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or more than <see cref="int.MaxValue"/> elements.</exception>
    public static HostTensor Zeros(DType dtype, int[] shape)
    {
        int count = ElementCountOf(shape);
        return dtype switch
        {
            DType.Float32 => new HostTensor(shape, new float[count]),
            DType.Int32 => new HostTensor(shape, new int[count]),
            DType.UInt8 => new HostTensor(shape, new byte[count]),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
        };
    }

    /// <summary>The float32 elements, row-major.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not float32.</exception>
    public float[] AsFloat() => _float32 ?? throw WrongType(DType.Float32);

    /// <summary>The int32 elements, row-major.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not int32.</exception>
    public int[] AsInt32() => _int32 ?? throw WrongType(DType.Int32);

    /// <summary>The uint8 elements, row-major.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not uint8.</exception>
    public byte[] AsUInt8() => _uint8 ?? throw WrongType(DType.UInt8);

    /// <summary>The elements' bytes, whatever their type, as a device holds them: what an upload copies.</summary>
    internal ReadOnlySpan<byte> AsBytes() =>
        _float32 is not null ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(_float32.AsSpan())
        : _int32 is not null ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(_int32.AsSpan())
        : _uint8;

    /// <summary>The element array, whatever its type, for type-agnostic copies such as batching and transposing.</summary>
    internal Array RawData => (Array?)_float32 ?? (Array?)_int32 ?? _uint8!;

    /// <summary>Type and shape, e.g. <c>uint8 [28,28,1]</c>; the form used in error messages.</summary>
    public override string ToString() => $"{DTypeInfo.Name(DType)} {FormatShape(Shape)}";

    /// <summary>Formats a shape as <c>[d0,d1,...]</c> with no spaces; a scalar is <c>[]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(",", shape) + "]";

    private static int ElementCountOf(int[] shape)
    {
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"shape {FormatShape(shape)} has a negative dimension", nameof(shape));
            }
        }
        // A zero dimension makes the tensor empty however large the others are, so it must win
        // before the overflow check can trip on the partial product.
        if (Array.IndexOf(shape, 0) >= 0)
        {
            return 0;
        }
        long count = 1;
        foreach (int dim in shape)
        {
            count *= dim;
            if (count > int.MaxValue)
            {
                throw new ArgumentException($"shape {FormatShape(shape)} has more than {int.MaxValue} elements", nameof(shape));
            }
        }
        return (int)count;
    }

    private InvalidOperationException WrongType(DType requested) =>
        new($"tensor is {this}, not {DTypeInfo.Name(requested)}");
}
