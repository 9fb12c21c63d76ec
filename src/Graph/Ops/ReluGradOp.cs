using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>dx = dy where y &gt; 0, else 0; y is the ReLU's output. Not differentiable further.</summary>
internal sealed class ReluGradOp : OpDefinition
{
    public override OpKind Kind => OpKind.ReluGrad;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        if (!inputs[0].Equals(inputs[1])) throw Mismatch(op, inputs, "dy and y must have the same shape");
        return [inputs[0]];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer dy = inputs[0], y = inputs[1], dx = outputs[0];
        return new BoundKernel("relu-backward", backend.Kernels.Bind(KernelKeys.ReluBackward, new KernelCall([dy, y], [[count], [count]], [dx], [[count]])));
    }
}
