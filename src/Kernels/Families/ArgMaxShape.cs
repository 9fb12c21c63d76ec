namespace Trainer.Kernels.Families;

/// <summary>A tensor seen as [outer, n, inner] around the axis an ArgMax runs along.</summary>
public static class ArgMaxShape
{
    /// <summary>The products of the axes before <paramref name="axis"/>, its size, and the product of those after.</summary>
    public static (int Outer, int N, int Inner) Of(int[] shape, int axis)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (checked((int)outer), shape[axis], checked((int)inner));
    }
}
