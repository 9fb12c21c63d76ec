using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// A 2-D convolution with groups and dilation (<see cref="GroupedConv2dAttributes"/>): x [N,C,H,W] and w [O,C/G,KH,KW]
/// to y [N,O,OH,OW], OH = ⌊(H + 2·PH − DH·(KH−1) − 1)/SH⌋ + 1. The layer chooses it only for groups or dilation above 1;
/// groups 1 with dilation 1 stays the tuned Conv2d. Gradients: <see cref="GroupedConv2dBackwardDataOp"/> and
/// <see cref="GroupedConv2dBackwardFilterOp"/>.
/// </summary>
public sealed class GroupedConv2dOp : OpDefinition
{
    /// <summary>The one definition every grouped convolution carries.</summary>
    public static readonly GroupedConv2dOp Instance = new();

    private GroupedConv2dOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "GroupedConv2d";

    /// <summary>The output size along an axis: ⌊(size + 2p − d·(k−1) − 1)/s⌋ + 1.</summary>
    internal static int Output(int size, int k, int s, int p, int d) => (int)(((long)size + 2 * p - (long)d * (k - 1) - 1) / s + 1);

    /// <summary>The output shape of x convolved with w, or an error naming the op, the inputs and what is wrong.</summary>
    internal static int[] OutputShape(Op op, IReadOnlyList<TensorType> inputs, int[] x, int[] w, Func<string, Exception> error)
    {
        if (op.Attributes is not GroupedConv2dAttributes a) throw error("missing stride, padding, dilation and groups");
        if (x.Length != 4 || w.Length != 4) throw error("expected x [N,C,H,W] and w [O,C/groups,KH,KW]");
        if (a.Groups <= 0 || a.StrideH <= 0 || a.StrideW <= 0 || a.DilationH <= 0 || a.DilationW <= 0 || a.PadH < 0 || a.PadW < 0)
            throw error("groups, stride and dilation must be positive, padding non-negative");
        if (x[1] % a.Groups != 0 || w[0] % a.Groups != 0)
            throw error($"{x[1]} input and {w[0]} output channels are not both divisible by {a.Groups} groups");
        if (w[1] != x[1] / a.Groups) throw error($"the weight has {w[1]} input channels per group, expected {x[1] / a.Groups}");
        if (w[2] <= 0 || w[3] <= 0) throw error("the kernel must not be empty");
        if (x[2] + 2L * a.PadH < (long)a.DilationH * (w[2] - 1) + 1 || x[3] + 2L * a.PadW < (long)a.DilationW * (w[3] - 1) + 1)
            throw error($"a {w[2]}x{w[3]} kernel dilated by {a.DilationH}x{a.DilationW} does not fit a {x[2]}x{x[3]} input padded by {a.PadH}x{a.PadW}");
        int[] y = [x[0], w[0], Output(x[2], w[2], a.StrideH, a.PadH, a.DilationH), Output(x[3], w[3], a.StrideW, a.PadW, a.DilationW)];
        if ((long)x[0] * x[1] * x[2] * x[3] > int.MaxValue || (long)y[0] * y[1] * y[2] * y[3] > int.MaxValue) throw error($"more than {int.MaxValue} elements");
        return y;
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        return [TensorType.Float(OutputShape(op, inputs, inputs[0].Shape, inputs[1].Shape, what => Mismatch(op, inputs, what)))];
    }

    /// <summary>A multiply and an add per tap of each output element: 2·|y|·(C/G)·KH·KW.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var w = inputs[1].Shape;
        return 2 * InferTypes(op, inputs)[0].ElementCount * w[1] * w[2] * w[3];
    }

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var a = (GroupedConv2dAttributes)op.Attributes!;
        var x = b.TypeOf(inputs[0]);
        var w = b.TypeOf(inputs[1]);
        return
        [
            needed[0] ? b.Apply(Op.Extension(GroupedConv2dBackwardDataOp.Instance, a with { ExtentH = x[2], ExtentW = x[3] }), dOutput, inputs[1]) : null,
            needed[1] ? b.Apply(Op.Extension(GroupedConv2dBackwardFilterOp.Instance, a with { ExtentH = w[2], ExtentW = w[3] }), inputs[0], dOutput) : null,
        ];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var y = InferTypes(op, inputTypes)[0];
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [y.Shape])
        {
            Axes = ((GroupedConv2dAttributes)op.Attributes!).KernelAxes(),
        };
        return new BoundKernel(WindowedKeys.GroupedConv, backend.Kernels.Bind(WindowedKeys.GroupedConv, call));
    }
}
