using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>A float32 tensor of the given shape filled with a constant: the seed gradient of the loss.</summary>
internal sealed class FillOp : OpDefinition
{
    public override OpKind Kind => OpKind.Fill;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 0);
        return [new TensorType(op.Shape ?? [], DType.Float32)];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)new TensorType(op.Shape ?? [], DType.Float32).ElementCount);
        float value = op.Scalar;
        DeviceBuffer y = outputs[0];
        return new BoundKernel("fill", backend.Kernels.Bind(KernelKeys.Fill, new KernelCall([], [], [y], [[count]]) { Scalar = value }));
    }
}
