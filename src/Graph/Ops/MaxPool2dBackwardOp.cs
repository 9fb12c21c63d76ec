using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>MaxPool2dBackward(x [N,C,H,W], dy [N,C,OH,OW]) → dx [N,C,H,W], each window's argmax recomputed from x
/// (with <see cref="Pool2dAttributes.ReluMask"/>, also +0 where x is not positive: a ReLU's gradient fused in). Not differentiable further.</summary>
internal sealed class MaxPool2dBackwardOp : OpDefinition
{
    public override OpKind Kind => OpKind.MaxPool2dBackward;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var s = MaxPool2dOp.ShapeOf(op, inputs, inputs[0]);
        if (!inputs[1].Equals(TensorType.Float(s.N, s.C, s.OH, s.OW)))
            throw Mismatch(op, inputs, $"dy must be [{s.N},{s.C},{s.OH},{s.OW}] for this pooling");
        return [inputs[0]];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var s = MaxPool2dOp.ShapeOf(op, inputTypes, inputTypes[0]);
        DeviceBuffer x = inputs[0], dy = inputs[1], dx = outputs[0];
        bool reluMask = op.Attributes is Pool2dAttributes { ReluMask: true };
        return new BoundKernel(reluMask ? "max-pool2d-backward+relu-mask" : "max-pool2d-backward", 
            backend.Kernels.Bind(KernelKeys.MaxPool2dBackward, new KernelCall([x, dy], [], [dx], []) { Attributes = new PoolingAttributes(s, reluMask) }));
    }
}
