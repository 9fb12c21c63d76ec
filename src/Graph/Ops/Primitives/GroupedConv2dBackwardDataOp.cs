using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The input gradient of <see cref="GroupedConv2dOp"/>: dy [N,O,OH,OW] and w [O,C/G,KH,KW] to dx [N,C,H,W], H×W from the
/// attributes' extent; each input element gathers, over its group's output channels and the taps that land on it, dy·w.
/// </summary>
public sealed class GroupedConv2dBackwardDataOp : OpDefinition
{
    /// <summary>The one definition every grouped convolution's input gradient carries.</summary>
    public static readonly GroupedConv2dBackwardDataOp Instance = new();

    private GroupedConv2dBackwardDataOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "GroupedConv2dBackwardData";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        int[] dy = inputs[0].Shape, w = inputs[1].Shape;
        if (op.Attributes is not GroupedConv2dAttributes { ExtentH: > 0, ExtentW: > 0 } a) throw Mismatch(op, inputs, "missing the input's extent");
        if (dy.Length != 4 || w.Length != 4) throw Mismatch(op, inputs, "expected dy [N,O,OH,OW] and w [O,C/groups,KH,KW]");
        int[] x = [dy[0], w[1] * a.Groups, a.ExtentH, a.ExtentW];
        var y = GroupedConv2dOp.OutputShape(op, inputs, x, w, what => Mismatch(op, inputs, what));
        if (!y.AsSpan().SequenceEqual(dy)) throw Mismatch(op, inputs, $"dy is not the output shape [{string.Join(",", y)}]");
        return [TensorType.Float(x)];
    }

    /// <summary>As many as the forward convolution.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var w = inputs[1].Shape;
        return 2 * inputs[0].ElementCount * w[1] * w[2] * w[3];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var dx = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [dx.Shape])
        {
            Axes = ((GroupedConv2dAttributes)op.Attributes!).KernelAxes(),
        };
        return new BoundKernel(WindowedKeys.GroupedConvData, backend.Kernels.Bind(WindowedKeys.GroupedConvData, call));
    }
}
