namespace Trainer.Kernels.Families;

/// <summary>
/// A window of a row-major tensor: the elements <c>Begin[k] .. Begin[k] + Window[k] - 1</c> along each axis k of a
/// tensor of shape <c>Full</c>. Shapes of fewer than <see cref="MaxRank"/> axes are padded in front with size-1 axes;
/// fields rather than arrays so an ILGPU kernel takes it by value. What the <c>slice</c> kernel copies out and the
/// <c>slice_grad</c> kernel writes back into zeros.
/// </summary>
public readonly struct WindowGeometry
{
    /// <summary>The most axes a window has.</summary>
    public const int MaxRank = AxisInts.Capacity;

    /// <summary>Elements in the window.</summary>
    public readonly int Count;
    /// <summary>Elements in the full tensor.</summary>
    public readonly int FullCount;
    private readonly AxisInts full, begin, window;

    private WindowGeometry(int count, int fullCount, int[] full, int[] begin, int[] window)
    {
        Count = count;
        FullCount = fullCount;
        this.full = new AxisInts(full);
        this.begin = new AxisInts(begin);
        this.window = new AxisInts(window);
    }

    private int Full(int axis) => full[axis];
    private int Begin(int axis) => begin[axis];
    private int Window(int axis) => window[axis];

    /// <summary>The full tensor's element that window element <paramref name="index"/> (row-major in the window) is.</summary>
    public int FullOffset(int index)
    {
        int offset = 0, stride = 1;
        for (int axis = MaxRank - 1; axis >= 0; axis--)
        {
            int w = Window(axis);
            offset += (index % w + Begin(axis)) * stride;
            index /= w;
            stride *= Full(axis);
        }
        return offset;
    }

    /// <summary>The window element that full element <paramref name="index"/> is, or -1 where it lies outside the window.</summary>
    public int WindowOffset(int index)
    {
        int offset = 0, stride = 1;
        for (int axis = MaxRank - 1; axis >= 0; axis--)
        {
            int f = Full(axis);
            int i = index % f - Begin(axis);
            index /= f;
            int w = Window(axis);
            if (i < 0 || i >= w) return -1;
            offset += i * stride;
            stride *= w;
        }
        return offset;
    }

    /// <summary>
    /// The window of shape <paramref name="window"/> starting at <paramref name="begin"/> in a tensor of shape
    /// <paramref name="full"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The ranks differ, exceed <see cref="MaxRank"/>, or the window does not lie inside the tensor.</exception>
    public static WindowGeometry For(int[] full, int[] begin, int[] window)
    {
        int rank = full.Length;
        if (begin.Length != rank || window.Length != rank || rank > MaxRank)
            throw new ArgumentException($"a window begin ({string.Join(",", begin)}) size [{string.Join(",", window)}] of [{string.Join(",", full)}] needs equal ranks of at most {MaxRank}");
        var f = new int[MaxRank];
        var b = new int[MaxRank];
        var w = new int[MaxRank];
        int pad = MaxRank - rank;
        long count = 1, fullCount = 1;
        for (int axis = 0; axis < MaxRank; axis++)
        {
            int k = axis - pad;
            f[axis] = k < 0 ? 1 : full[k];
            b[axis] = k < 0 ? 0 : begin[k];
            w[axis] = k < 0 ? 1 : window[k];
            if (b[axis] < 0 || w[axis] < 0 || (long)b[axis] + w[axis] > f[axis])
                throw new ArgumentException($"the window begin ({string.Join(",", begin)}) size [{string.Join(",", window)}] does not lie inside [{string.Join(",", full)}]");
            count *= w[axis];
            fullCount *= f[axis];
        }
        return new WindowGeometry(checked((int)count), checked((int)fullCount), f, b, w);
    }
}
