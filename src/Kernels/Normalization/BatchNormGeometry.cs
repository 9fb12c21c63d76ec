namespace Trainer.Kernels.Normalization;

/// <summary>
/// A batch normalisation's tensor seen as [<see cref="Outer"/>, <see cref="Channels"/>, <see cref="Inner"/>] (axis 0, the
/// channel axis 1, the product of the rest) and its eps: what both backends' <see cref="BatchNormKeys"/> kernels are
/// given. Plain fields, so an ILGPU kernel takes it as one argument.
/// </summary>
internal readonly struct BatchNormGeometry
{
    /// <summary>Axis 0 (the batch).</summary>
    public readonly int Outer;
    /// <summary>Axis 1.</summary>
    public readonly int Channels;
    /// <summary>The product of the axes after 1 (1 for [N, C]).</summary>
    public readonly int Inner;
    /// <summary>Added to the variance before its square root.</summary>
    public readonly float Eps;
    /// <summary>Values per channel, n = outer·inner, as a float (exact below 2^24).</summary>
    public readonly float N;

    private BatchNormGeometry(int outer, int channels, int inner, float eps)
    {
        Outer = outer;
        Channels = channels;
        Inner = inner;
        Eps = eps;
        N = (float)((long)outer * inner);
    }

    /// <summary>Elements of the whole tensor.</summary>
    public long Count => (long)Outer * Channels * Inner;

    /// <summary>The geometry of a tensor of <paramref name="shape"/> (rank 2 or more) normalised with <paramref name="eps"/>.</summary>
    /// <exception cref="ArgumentException">The shape has rank below 2, or the product of its axes after 1 exceeds int.MaxValue.</exception>
    public static BatchNormGeometry Of(int[] shape, float eps)
    {
        if (shape.Length < 2)
            throw new ArgumentException($"batch normalisation takes a tensor of rank 2 or more ([N, C, ...]), got [{string.Join(", ", shape)}]", nameof(shape));
        long inner = 1;
        for (int a = 2; a < shape.Length; a++) inner *= shape[a];
        if (inner > int.MaxValue)
            throw new ArgumentException($"batch normalisation: {inner} values per (n, c) plane exceed int.MaxValue", nameof(shape));
        return new BatchNormGeometry(shape[0], shape[1], (int)inner, eps);
    }
}
