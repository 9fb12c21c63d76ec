using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// Depend(value, effect): value, available only after the effect has run. The effect is a
/// control input, not a data input, so it orders without moving data; the output aliases value.
/// </summary>
internal sealed class DependOp : OpDefinition
{
    public override OpKind Kind => OpKind.Depend;

    public override bool IsAlias => true;

    public override int Launches => 0;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        return [inputs[0]];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [needed[0] ? dOutput : null];

    public override BoundKernel? Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace) => null;
}
