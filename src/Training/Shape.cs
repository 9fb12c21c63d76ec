using System.Collections;

namespace Trainer.Training;

/// <summary>
/// The dimensions of a tensor, outermost first: an immutable value compared element by element.
/// <c>default(Shape)</c> and <c>new Shape()</c> are the scalar shape <c>()</c>. Printed as a Python
/// tuple, as MindSpore and PyTorch print shapes: <c>(64, 1, 28, 28)</c>, <c>(10,)</c>, <c>()</c>.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? dims;

    /// <summary>A shape with the given dimensions (copied).</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public Shape(params ReadOnlySpan<int> dimensions)
    {
        foreach (var d in dimensions)
            if (d < 0) throw new ArgumentException($"shape {Format(dimensions)} has a negative dimension", nameof(dimensions));
        dims = dimensions.Length == 0 ? null : dimensions.ToArray();
    }

    /// <summary>Wraps <paramref name="dimensions"/> without copying; the caller never changes them again (an IR type's shape).</summary>
    internal static Shape Wrap(int[] dimensions) => new(dimensions, owned: true);

    private Shape(int[] dimensions, bool owned) => dims = owned && dimensions.Length > 0 ? dimensions : null;

    /// <summary>The scalar shape <c>()</c>: rank 0, one element.</summary>
    public static Shape Scalar => default;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => dims?.Length ?? 0;

    /// <summary>The same as <see cref="Rank"/>, for <see cref="IReadOnlyCollection{T}"/>.</summary>
    public int Count => Rank;

    /// <summary>Product of the dimensions: 1 for a scalar, 0 when any dimension is 0.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dimensions) n *= d;
            return n;
        }
    }

    /// <summary>The dimension along <paramref name="axis"/>; a negative axis counts from the end (-1 is the last).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is not in [-Rank, Rank).</exception>
    public int this[int axis]
    {
        get
        {
            int rank = Rank;
            if (axis < -rank || axis >= rank)
                throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for shape {this} (rank {rank})");
            return dims![axis < 0 ? rank + axis : axis];
        }
    }

    /// <summary>The dimensions as a read-only span (no copy).</summary>
    public ReadOnlySpan<int> Dimensions => dims;

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => dims is null ? [] : (int[])dims.Clone();

    /// <summary>A shape with the dimensions of <paramref name="dimensions"/>.</summary>
    public static implicit operator Shape(int[] dimensions) => new(dimensions);

    /// <summary>Whether both shapes have the same dimensions in the same order.</summary>
    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dimensions) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Whether both shapes have the same dimensions in the same order.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Whether the shapes differ in rank or in a dimension.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>The shape as a Python tuple: <c>(64, 1, 28, 28)</c>, <c>(10,)</c>, <c>()</c>.</summary>
    public override string ToString() => Format(Dimensions);

    /// <summary>Enumerates the dimensions, outermost first.</summary>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static string Format(ReadOnlySpan<int> dimensions) =>
        dimensions.Length == 1 ? $"({dimensions[0]},)" : "(" + string.Join(", ", dimensions.ToArray()) + ")";
}
