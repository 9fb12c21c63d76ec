using Trainer.Kernels.Device;

namespace Trainer.Graph.Ir;

/// <summary>A static shape and an element type. Scalars have shape [].</summary>
public sealed class TensorType : IEquatable<TensorType>
{
    /// <summary>A type of <paramref name="shape"/> (no negative dimension) and <paramref name="dtype"/>.</summary>
    public TensorType(IReadOnlyList<int> shape, DType dtype)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), $"negative dimension in [{string.Join(",", shape)}]");
        Shape = shape.ToArray();
        DType = dtype;
    }

    /// <summary>A float32 type of <paramref name="shape"/>.</summary>
    public static TensorType Float(params int[] shape) => new(shape, DType.Float32);
    /// <summary>An int32 type of <paramref name="shape"/>.</summary>
    public static TensorType Int(params int[] shape) => new(shape, DType.Int32);

    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape { get; }
    /// <summary>The element type.</summary>
    public DType DType { get; }
    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The number of elements, the product of the dimensions (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>Bytes the elements occupy.</summary>
    public long ByteCount => ElementCount * DTypeInfo.SizeOf(DType);

    /// <summary>The dimension at <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Shape[axis < 0 ? Shape.Length + axis : axis];

    /// <summary>The shape as <c>[64,784]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>Shape and element type, as <c>[64,784] float32</c>.</summary>
    public override string ToString() => $"{ShapeText} {DTypeInfo.Name(DType)}";

    /// <summary>Equal when the element types and every dimension are equal.</summary>
    public bool Equals(TensorType? other) =>
        other is not null && other.DType == DType && other.Shape.AsSpan().SequenceEqual(Shape);

    /// <summary>Equal when <paramref name="obj"/> is a <see cref="TensorType"/> of the same shape and element type.</summary>
    public override bool Equals(object? obj) => Equals(obj as TensorType);

    /// <summary>A hash of the shape and element type.</summary>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(DType);
        foreach (var d in Shape) h.Add(d);
        return h.ToHashCode();
    }
}
