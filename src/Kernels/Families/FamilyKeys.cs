namespace Trainer.Kernels.Families;

/// <summary>The table keys of the families' kernels and of the kernels registered beside them.</summary>
public static class FamilyKeys
{
    /// <summary>The key of the elementwise map named <paramref name="name"/>.</summary>
    public static string Unary(string name) => "unary." + name;

    /// <summary>The key of the broadcasting binary op named <paramref name="name"/>.</summary>
    public static string Binary(string name) => "binary." + name;

    /// <summary>The key of the reduction named <paramref name="name"/>.</summary>
    public static string Reduce(string name) => "reduce." + name;

    /// <summary>The index of the largest element along one axis (the first on ties), as int32.</summary>
    public const string ArgMax = "argmax";

    /// <summary>A copy with the axes permuted (a transpose), in <see cref="Device.KernelCall.Axes"/>' order: output axis i is input axis Axes[i].</summary>
    public const string Permute = "permute";

    /// <summary>
    /// A window copied out (<see cref="WindowGeometry"/>): the output's shape is the window's, <see cref="Device.KernelCall.Axes"/>
    /// holds where it begins along each input axis.
    /// </summary>
    public const string Slice = "slice";

    /// <summary>
    /// A window written into zeros, the gradient of <see cref="Slice"/>: the input's shape is the window's, the output's the
    /// full tensor's, <see cref="Device.KernelCall.Axes"/> holds where the window begins along each output axis.
    /// </summary>
    public const string SliceGrad = "slice_grad";

    /// <summary>
    /// A tensor written into a window of the output, the rest of the output left as it is (one input of a concat): the
    /// input's shape is the window's, <see cref="Device.KernelCall.Axes"/> holds where it begins along each output axis.
    /// </summary>
    public const string Place = "place";

    /// <summary>
    /// <see cref="Device.KernelCall.Scalar"/> (the on value) written at column indices[r] of each row r of a float32
    /// [N, depth] output whose index lies in 0..depth-1; every other element is left as it is (the op fills it with the off
    /// value first). The input is int32 [N].
    /// </summary>
    public const string OneHot = "one_hot";

    /// <summary>
    /// Batched matrix products y[b] = op(a[b])·op(b[b]) of float32 [B,M,K]·[B,K,N] = [B,M,N], op a transpose where
    /// <see cref="Device.KernelCall.Axes"/> = [transposeA, transposeB] holds 1 (a then [B,K,M], b then [B,N,K]). Each output
    /// element sums its K products in order p = 0..K-1 from zero, so every backend and thread count gives the same bits.
    /// </summary>
    public const string BatchMatMul = "batch_matmul";

    /// <summary>
    /// Keys registered beside the families without a family prefix. A kernel that registers itself (a
    /// <c>[TableKernel]</c> bind method, its checks marked <c>[SelfTestChecks]</c>) need not be listed here; this list is for
    /// kernels registered explicitly with <see cref="Device.KernelTable.Register"/>, so the self-test knows their checks.
    /// </summary>
    public static IReadOnlyList<string> Standalone { get; } = [ArgMax, Permute, Slice, SliceGrad, Place, OneHot, BatchMatMul];

    /// <summary>The prefix of kernels a user's custom op registers.</summary>
    public const string CustomPrefix = "custom.";
}
