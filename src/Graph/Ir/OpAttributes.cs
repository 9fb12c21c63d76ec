using System.Globalization;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ir;

/// <summary>
/// An op's typed attributes. Records, so equality and hashing (what CSE and update batching compare)
/// come generated, and each prints itself the way the IR shows it. Ops added from here on declare
/// their attributes this way; the older ones still use <see cref="Op"/>'s flat fields.
/// </summary>
public abstract record OpAttributes
{
    /// <summary>The attributes as the printed IR shows them inside the brackets, e.g. <c>stride=1x1,pad=2x2</c>.</summary>
    public abstract string Print();

    /// <summary>A float as the IR prints it: shortest round-trip form, invariant culture.</summary>
    protected static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// The axis an op works along, for BiasAdd and ColumnSum over a chosen axis of an N-D tensor (axis 1,
/// the channels, of NCHW). Without it they take a matrix and its last axis, as the MLP uses them.
/// </summary>
public sealed record AxisAttributes(int Axis) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"axis={Axis}";
}

/// <summary>
/// A 2-D convolution's stride and zero padding per spatial axis. The gradient ops also carry the
/// extent the shapes of their inputs cannot tell: the input's H×W for Conv2dBackwardData, the
/// kernel's KH×KW for Conv2dBackwardFilter (0 for the forward op). A forward op that fusion gave an
/// <see cref="Epilogue"/> (<see cref="GemmEpilogue.BiasFlag"/>, <see cref="GemmEpilogue.ReluFlag"/>)
/// takes the bias as a third input and applies it, then ReLU, before its store.
/// </summary>
public sealed record Conv2dAttributes(int StrideH, int StrideW, int PadH, int PadW, int ExtentH = 0, int ExtentW = 0) : OpAttributes
{
    /// <summary>The fused epilogue's flags; 0 for none.</summary>
    public int Epilogue { get; init; }

    /// <inheritdoc/>
    public override string Print() =>
        $"stride={StrideH}x{StrideW},pad={PadH}x{PadW}" + (ExtentH == 0 ? "" : $",extent={ExtentH}x{ExtentW}") +
        (Epilogue == 0 ? "" : "," + new GemmEpilogue(Epilogue));
}

/// <summary>A pooling window and its stride (no padding).</summary>
/// <remarks>
/// <see cref="ReluMask"/> is set on a MaxPool2dBackward by <see cref="Passes.PoolReluBackwardFusion"/> only: its
/// output is then also zeroed where the pooling's input (a ReLU's output) is not positive.
/// </remarks>
public sealed record Pool2dAttributes(int KernelH, int KernelW, int StrideH, int StrideW, bool ReluMask = false) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"kernel={KernelH}x{KernelW},stride={StrideH}x{StrideW}{(ReluMask ? ",relu-mask" : "")}";
}

/// <summary>
/// uint8 pixels to normalised floats, the data pipeline's Rescale(scale, shift) then Normalize(mean, std):
/// y = fl(fl(fl(x·scale) + shift) − mean) / std, the host transforms' float32 operations in their order.
/// </summary>
public sealed record NormalizeAttributes(float Scale, float Shift, float Mean, float Std) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => $"scale={Number(Scale)},shift={Number(Shift)},mean={Number(Mean)},std={Number(Std)}";
}

/// <summary>
/// A gradient all-reduce over <see cref="WorldSize"/> processes: every process ends with the mean of
/// all processes' values (each a mean over its local batch, so with equal local batches the mean
/// over the global batch).
/// </summary>
internal sealed record AllReduceAttributes(int WorldSize) : OpAttributes
{
    public override string Print() => $"world={WorldSize}";
}
