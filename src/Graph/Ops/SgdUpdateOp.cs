using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>SgdUpdate(param, grad): param ← param − lr·grad in place. A side effect with no outputs.</summary>
internal sealed class SgdUpdateOp : OpDefinition
{
    public override OpKind Kind => OpKind.SgdUpdate;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        if (!inputs[0].Equals(inputs[1])) throw Mismatch(op, inputs, "parameter and gradient shapes differ");
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        float lr = op.Scalar;
        DeviceBuffer p = inputs[0], g = inputs[1];
        return new BoundKernel("sgd-update", () => backend.SgdUpdate(p, g, count, lr));
    }
}
