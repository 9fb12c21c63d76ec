using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>Elementwise a + b of equal shapes; autodiff uses it to sum the gradients of a value read twice.</summary>
internal sealed class AddOp : OpDefinition
{
    public override OpKind Kind => OpKind.Add;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        if (!inputs[0].Equals(inputs[1])) throw Mismatch(op, inputs, "shapes differ");
        return [inputs[0]];
    }

    /// <summary>One operation per output element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? dOutput : null, needed[1] ? dOutput : null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer a = inputs[0], bb = inputs[1], y = outputs[0];
        return new BoundKernel("add", backend.Kernels.Bind(KernelKeys.Add, new KernelCall([a, bb], [[count], [count]], [y], [[count]])));
    }
}
