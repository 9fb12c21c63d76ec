using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>Conv2dBackwardFilter(x [N,C,H,W], dy [N,O,OH,OW]) → dw [O,C,KH,KW], KH×KW from the attributes' extent. Not differentiable further.</summary>
internal sealed class Conv2dBackwardFilterOp : OpDefinition
{
    public override OpKind Kind => OpKind.Conv2dBackwardFilter;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        return [WeightType(op, inputs)];
    }

    private static TensorType WeightType(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (op.Attributes is not Conv2dAttributes { ExtentH: > 0 } a) throw Mismatch(op, inputs, "missing the kernel's extent");
        if (inputs[0].Rank != 4 || inputs[1].Rank != 4) throw Mismatch(op, inputs, "expected x [N,C,H,W] and dy [N,O,OH,OW]");
        var w = TensorType.Float(inputs[1][1], inputs[0][1], a.ExtentH, a.ExtentW);
        var s = Conv2dOp.ShapeOf(op, inputs, inputs[0], w);
        if (inputs[1][0] != s.N || inputs[1][2] != s.OH || inputs[1][3] != s.OW)
            throw Mismatch(op, inputs, $"dy must be [{s.N},{s.O},{s.OH},{s.OW}] for this convolution");
        return w;
    }

    /// <summary>The im2col panel (see <see cref="Trainer.Kernels.Ops.Conv2dShape.WorkspaceFloats"/>).</summary>
    public override long WorkspaceBytes(Op op, IReadOnlyList<TensorType> inputs, IKernelBackend? backend) =>
        Conv2dOp.WorkspaceFor(Conv2dOp.ShapeOf(op, inputs, inputs[0], WeightType(op, inputs)), backend);

    public override string WorkspaceName => "im2col";

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var s = Conv2dOp.ShapeOf(op, inputTypes, inputTypes[0], WeightType(op, inputTypes));
        DeviceBuffer x = inputs[0], dy = inputs[1], dw = outputs[0];
        return new BoundKernel("conv2d-backward-filter", 
            backend.Kernels.Bind(KernelKeys.Conv2dBackwardFilter, new KernelCall([x, dy], [], [dw], []) { Attributes = new ConvolutionAttributes(s, GemmEpilogue.None, null, workspace) }));
    }
}
