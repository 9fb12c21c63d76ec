using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>Conv2dBackwardData(dy [N,O,OH,OW], w [O,C,KH,KW]) → dx [N,C,H,W], H×W from the attributes' extent. Not differentiable further.</summary>
internal sealed class Conv2dBackwardDataOp : OpDefinition
{
    public override OpKind Kind => OpKind.Conv2dBackwardData;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var x = InputType(op, inputs);
        return [x];
    }

    private static TensorType InputType(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (op.Attributes is not Conv2dAttributes { ExtentH: > 0 } a) throw Mismatch(op, inputs, "missing the input's extent");
        if (inputs[0].Rank != 4 || inputs[1].Rank != 4) throw Mismatch(op, inputs, "expected dy [N,O,OH,OW] and weight [O,C,KH,KW]");
        var x = TensorType.Float(inputs[0][0], inputs[1][1], a.ExtentH, a.ExtentW);
        var s = Conv2dOp.ShapeOf(op, inputs, x, inputs[1]);
        if (inputs[0][1] != s.O || inputs[0][2] != s.OH || inputs[0][3] != s.OW)
            throw Mismatch(op, inputs, $"dy must be [{s.N},{s.O},{s.OH},{s.OW}] for this convolution");
        return x;
    }

    /// <summary>The im2col panel (see <see cref="Trainer.Kernels.Ops.Conv2dShape.WorkspaceFloats"/>).</summary>
    public override long WorkspaceBytes(Op op, IReadOnlyList<TensorType> inputs, IKernelBackend? backend) =>
        Conv2dOp.WorkspaceFor(Conv2dOp.ShapeOf(op, inputs, InputType(op, inputs), inputs[1]), backend);

    public override string WorkspaceName => "im2col";

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var s = Conv2dOp.ShapeOf(op, inputTypes, InputType(op, inputTypes), inputTypes[1]);
        DeviceBuffer dy = inputs[0], w = inputs[1], dx = outputs[0];
        return new BoundKernel("conv2d-backward-data", 
            backend.Kernels.Bind(KernelKeys.Conv2dBackwardData, new KernelCall([dy, w], [], [dx], []) { Attributes = new ConvolutionAttributes(s, GemmEpilogue.None, null, workspace) }));
    }
}
