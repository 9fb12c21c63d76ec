namespace Trainer.Graph.Ops.Primitives;

/// <summary>NumPy's broadcasting rule, and the axes a broadcast gradient is summed over.</summary>
public static class BroadcastShapes
{
    /// <summary>The shape a and b broadcast to (aligned at their last axes, each axis equal or 1), or null when they do not.</summary>
    public static int[]? Of(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = At(a, i, rank), db = At(b, i, rank);
            if (da != db && da != 1 && db != 1) return null;
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>Whether <paramref name="from"/> broadcasts to exactly <paramref name="to"/>.</summary>
    public static bool Fits(int[] from, int[] to) =>
        from.Length <= to.Length && Of(from, to) is { } s && s.AsSpan().SequenceEqual(to);

    /// <summary>The axes of <paramref name="from"/> that summing a gradient of shape <paramref name="from"/> back to <paramref name="to"/> folds.</summary>
    public static int[] SummedAxes(int[] from, int[] to)
    {
        int lead = from.Length - to.Length;
        var axes = new List<int>();
        for (int i = 0; i < from.Length; i++)
            if (i < lead || (to[i - lead] == 1 && from[i] != 1)) axes.Add(i);
        return [.. axes];
    }

    private static int At(int[] shape, int axis, int rank)
    {
        int i = axis - (rank - shape.Length);
        return i < 0 ? 1 : shape[i];
    }
}
