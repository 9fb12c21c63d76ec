using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The weight gradient of <see cref="GroupedConv2dOp"/>: x [N,C,H,W] and dy [N,O,OH,OW] to dw [O,C/G,KH,KW], KH×KW from
/// the attributes' extent; each weight sums dy·x over (n, oh, ow) in that order.
/// </summary>
public sealed class GroupedConv2dBackwardFilterOp : OpDefinition
{
    /// <summary>The one definition every grouped convolution's weight gradient carries.</summary>
    public static readonly GroupedConv2dBackwardFilterOp Instance = new();

    private GroupedConv2dBackwardFilterOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "GroupedConv2dBackwardFilter";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        int[] x = inputs[0].Shape, dy = inputs[1].Shape;
        if (op.Attributes is not GroupedConv2dAttributes { ExtentH: > 0, ExtentW: > 0 } a) throw Mismatch(op, inputs, "missing the kernel's extent");
        if (x.Length != 4 || dy.Length != 4) throw Mismatch(op, inputs, "expected x [N,C,H,W] and dy [N,O,OH,OW]");
        if (a.Groups <= 0 || x[1] % a.Groups != 0) throw Mismatch(op, inputs, $"{x[1]} input channels are not divisible by {a.Groups} groups");
        int[] w = [dy[1], x[1] / a.Groups, a.ExtentH, a.ExtentW];
        var y = GroupedConv2dOp.OutputShape(op, inputs, x, w, what => Mismatch(op, inputs, what));
        if (!y.AsSpan().SequenceEqual(dy)) throw Mismatch(op, inputs, $"dy is not the output shape [{string.Join(",", y)}]");
        return [TensorType.Float(w)];
    }

    /// <summary>As many as the forward convolution.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var w = InferTypes(op, inputs)[0].Shape;
        return 2 * inputs[1].ElementCount * w[1] * w[2] * w[3];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var dw = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [dw.Shape])
        {
            Axes = ((GroupedConv2dAttributes)op.Attributes!).KernelAxes(),
        };
        return new BoundKernel(WindowedKeys.GroupedConvFilter, backend.Kernels.Bind(WindowedKeys.GroupedConvFilter, call));
    }
}
