namespace Trainer.Kernels.Reference;

/// <summary>
/// Row-major index arithmetic for the float64 references of the broadcasting and reduction families:
/// the self-test's checks and the kernel tests walk output elements with it.
/// </summary>
internal static class BroadcastIndex
{
    /// <summary>The number of elements of <paramref name="shape"/>.</summary>
    public static int Count(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    /// <summary>The multi-index of flat element <paramref name="flat"/> of <paramref name="shape"/>, written into <paramref name="index"/>.</summary>
    public static void Unravel(int flat, int[] shape, int[] index)
    {
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
    }

    /// <summary>The flat index in an operand of <paramref name="shape"/> (aligned at the last axis, size-1 axes broadcast) of an output index.</summary>
    public static int Ravel(int[] outputIndex, int[] shape)
    {
        int flat = 0, skip = outputIndex.Length - shape.Length;
        for (int axis = 0; axis < shape.Length; axis++)
            flat = flat * shape[axis] + (shape[axis] == 1 ? 0 : outputIndex[skip + axis]);
        return flat;
    }
}
