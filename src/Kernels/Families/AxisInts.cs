namespace Trainer.Kernels.Families;

/// <summary>
/// One int per axis, for up to six axes (a shape's sizes, an operand's strides, a window's start): fields rather than
/// an array, so that the geometries holding them (<see cref="BroadcastGeometry"/>, <see cref="ReduceGeometry"/>,
/// <see cref="WindowGeometry"/>) stay plain values an ILGPU kernel takes by value.
/// </summary>
internal readonly struct AxisInts
{
    /// <summary>How many axes it holds.</summary>
    public const int Capacity = 6;

    private readonly int v0, v1, v2, v3, v4, v5;

    /// <summary>The first <see cref="Capacity"/> of <paramref name="values"/>, which must have at least that many.</summary>
    public AxisInts(int[] values)
    {
        v0 = values[0]; v1 = values[1]; v2 = values[2]; v3 = values[3]; v4 = values[4]; v5 = values[5];
    }

    /// <summary>The value of axis <paramref name="axis"/> (0 to 5).</summary>
    public int this[int axis] => axis switch { 0 => v0, 1 => v1, 2 => v2, 3 => v3, 4 => v4, _ => v5 };
}
