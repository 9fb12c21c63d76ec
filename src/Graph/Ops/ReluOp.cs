using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>y = max(x, 0). Gradient: ReluGrad(dy, y).</summary>
internal sealed class ReluOp : OpDefinition
{
    public override OpKind Kind => OpKind.Relu;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        return [inputs[0]];
    }

    /// <summary>One operation per output element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? b.Apply(Op.Of(OpKind.ReluGrad), dOutput, output) : null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer x = inputs[0], y = outputs[0];
        return new BoundKernel("relu", backend.Kernels.Bind(KernelKeys.Relu, new KernelCall([x], [[count]], [y], [[count]])));
    }
}
