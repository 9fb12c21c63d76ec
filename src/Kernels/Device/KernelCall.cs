namespace Trainer.Kernels.Device;

/// <summary>
/// What binding a kernel of a backend's <see cref="KernelTable"/> is given: the buffers, the shapes of
/// the tensors they hold (row-major, float32 unless the kernel says otherwise), and the op's few
/// parameters. A kernel reads what it needs (an elementwise map the count, a broadcast both shapes, a
/// reduction its axes) and works everything else out once, at bind time.
/// </summary>
/// <param name="Inputs">The input buffers, in the op's order.</param>
/// <param name="InputShapes">The shape of each input.</param>
/// <param name="Outputs">The output buffers.</param>
/// <param name="OutputShapes">The shape of each output.</param>
public sealed record KernelCall(IReadOnlyList<DeviceBuffer> Inputs, IReadOnlyList<int[]> InputShapes,
    IReadOnlyList<DeviceBuffer> Outputs, IReadOnlyList<int[]> OutputShapes)
{
    /// <summary>Axes the kernel works along (a reduction's, sorted, non-negative); empty when it has none.</summary>
    public int[] Axes { get; init; } = [];

    /// <summary>A scalar parameter (the s of x·s or x + s); 0 when the kernel takes none.</summary>
    public float Scalar { get; init; }

    /// <summary>
    /// The op's typed parameters where a shape, axes and a scalar do not say enough (ONNX calls them attributes):
    /// a GEMM's <see cref="Ops.GemmAttributes"/>, a convolution's <see cref="Ops.ConvolutionAttributes"/>, a multi-tensor
    /// update's <see cref="Ops.SegmentAttributes"/>. The kernel casts it once, when it is bound; null when it takes none.
    /// </summary>
    public object? Attributes { get; init; }

    /// <summary>The <see cref="Attributes"/> as <typeparamref name="T"/>, or an <see cref="ArgumentException"/> naming the kernel and what it expected.</summary>
    public T AttributesAs<T>(string key) where T : class =>
        Attributes as T ?? throw new ArgumentException(
            $"kernel '{key}' takes {typeof(T).Name} attributes, got {(Attributes is null ? "none" : Attributes.GetType().Name)}");

    /// <summary>Elements in a shape (1 for a scalar's []).</summary>
    public static long ElementCount(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}
