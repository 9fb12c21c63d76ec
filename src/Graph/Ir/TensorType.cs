using Trainer.Kernels.Device;

namespace Trainer.Graph.Ir;

/// <summary>A static shape and an element type. Scalars have shape [].</summary>
public sealed class TensorType : IEquatable<TensorType>
{
    public TensorType(IReadOnlyList<int> shape, DType dtype)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), $"negative dimension in [{string.Join(",", shape)}]");
        Shape = shape.ToArray();
        DType = dtype;
    }

    public static TensorType Float(params int[] shape) => new(shape, DType.Float32);
    public static TensorType Int(params int[] shape) => new(shape, DType.Int32);

    public int[] Shape { get; }
    public DType DType { get; }
    public int Rank => Shape.Length;

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public long ByteCount => ElementCount * DTypeInfo.SizeOf(DType);

    public int this[int axis] => Shape[axis < 0 ? Shape.Length + axis : axis];

    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    public override string ToString() => $"{ShapeText} {DTypeInfo.Name(DType)}";

    public bool Equals(TensorType? other) =>
        other is not null && other.DType == DType && other.Shape.AsSpan().SequenceEqual(Shape);

    public override bool Equals(object? obj) => Equals(obj as TensorType);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(DType);
        foreach (var d in Shape) h.Add(d);
        return h.ToHashCode();
    }
}
