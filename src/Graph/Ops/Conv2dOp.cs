using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Conv2d(x [N,C,H,W], w [O,C,KH,KW]) → [N,O,OH,OW] with the stride and padding of its
/// <see cref="Conv2dAttributes"/> (dilation 1, groups 1; a bias is a separate BiasAdd over axis 1,
/// which <see cref="Passes.ConvEpilogueFusion"/> folds, with a following ReLU, into the op's
/// epilogue: then a third input, bias [O]).
/// Gradient: dx = Conv2dBackwardData(dy, w), dw = Conv2dBackwardFilter(x, dy). The kernels declare
/// an im2col workspace.
/// </summary>
internal sealed class Conv2dOp : OpDefinition
{
    public override OpKind Kind => OpKind.Conv2d;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        var epilogue = EpilogueOf(op);
        ExpectInputs(op, inputs, epilogue.HasBias ? 3 : 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var s = ShapeOf(op, inputs, inputs[0], inputs[1]);
        if (epilogue.HasMask || epilogue.HasSgd) throw Mismatch(op, inputs, $"a convolution's epilogue is bias and/or ReLU, not {epilogue}");
        if (epilogue.HasBias && (inputs[2].DType != DType.Float32 || inputs[2].Rank != 1 || inputs[2][0] != s.O))
            throw Mismatch(op, inputs, $"the bias must be float32 [{s.O}], one per output channel");
        return [TensorType.Float(s.N, s.O, s.OH, s.OW)];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var a = (Conv2dAttributes)op.Attributes!;
        if (a.Epilogue != 0)
            throw new GraphCompileException($"{op} has a fused epilogue and no gradient rule: fusion runs after differentiation");
        var x = b.TypeOf(inputs[0]);
        var w = b.TypeOf(inputs[1]);
        return
        [
            needed[0] ? b.Apply(new Op { Kind = OpKind.Conv2dBackwardData, Attributes = a with { ExtentH = x[2], ExtentW = x[3] } }, dOutput, inputs[1]) : null,
            needed[1] ? b.Apply(new Op { Kind = OpKind.Conv2dBackwardFilter, Attributes = a with { ExtentH = w[2], ExtentW = w[3] } }, inputs[0], dOutput) : null,
        ];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var s = ShapeOf(op, inputTypes, inputTypes[0], inputTypes[1]);
        var epilogue = EpilogueOf(op);
        DeviceBuffer x = inputs[0], w = inputs[1], y = outputs[0];
        DeviceBuffer? bias = epilogue.HasBias ? inputs[2] : null;
        return new BoundKernel("conv2d", 
            backend.Kernels.Bind(KernelKeys.Conv2d, new KernelCall([x, w], [], [y], []) { Attributes = new ConvolutionAttributes(s, epilogue, bias, workspace) }));
    }

    /// <summary>2·C·KH·KW per output element, plus one per output element for a fused bias and for a fused ReLU.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var s = ShapeOf(op, inputs, inputs[0], inputs[1]);
        var e = EpilogueOf(op);
        return s.OutputCount * (2L * s.C * s.KH * s.KW + (e.HasBias ? 1 : 0) + (e.HasRelu ? 1 : 0));
    }

    /// <summary>The im2col panel where the backend uses one (<see cref="IKernelBackend.Conv2dWorkspaceBytes"/>).</summary>
    public override long WorkspaceBytes(Op op, IReadOnlyList<TensorType> inputs, IKernelBackend? backend) =>
        WorkspaceFor(ShapeOf(op, inputs, inputs[0], inputs[1]), backend);

    /// <summary>What <paramref name="backend"/> needs for a convolution of <paramref name="shape"/>, forward or backward; with no backend, the im2col panel.</summary>
    internal static long WorkspaceFor(Conv2dShape shape, IKernelBackend? backend) => backend?.Conv2dWorkspaceBytes(shape) ?? shape.WorkspaceBytes;

    public override string WorkspaceName => "im2col";

    private static GemmEpilogue EpilogueOf(Op op) => new((op.Attributes as Conv2dAttributes)?.Epilogue ?? 0);

    /// <summary>The kernel shape for input <paramref name="x"/> and weight <paramref name="w"/>, or an error naming the op and the inputs.</summary>
    internal static Conv2dShape ShapeOf(Op op, IReadOnlyList<TensorType> inputs, TensorType x, TensorType w)
    {
        if (op.Attributes is not Conv2dAttributes a) throw Mismatch(op, inputs, "missing stride and padding");
        if (x.Rank != 4 || w.Rank != 4) throw Mismatch(op, inputs, "expected x [N,C,H,W] and weight [O,C,KH,KW]");
        if (x[1] != w[1]) throw Mismatch(op, inputs, $"x has {x[1]} channels but the weight expects {w[1]}");
        if (a.StrideH <= 0 || a.StrideW <= 0 || a.PadH < 0 || a.PadW < 0) throw Mismatch(op, inputs, "stride must be positive and padding non-negative");
        if (x[2] + 2 * a.PadH < w[2] || x[3] + 2 * a.PadW < w[3])
            throw Mismatch(op, inputs, $"a {w[2]}x{w[3]} kernel does not fit a {x[2]}x{x[3]} input padded by {a.PadH}x{a.PadW}");
        return new Conv2dShape(x[0], x[1], x[2], x[3], w[0], w[2], w[3], a.StrideH, a.StrideW, a.PadH, a.PadW);
    }
}
