using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// SgdUpdate(param, grad, hyperparameters): param ← param − lr·grad in place, lr read from the
/// optimizer's hyperparameter block (float32 [1]) when the kernel runs. A side effect with no outputs.
/// </summary>
internal sealed class SgdUpdateOp : OpDefinition
{
    public override OpKind Kind => OpKind.SgdUpdate;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 3);
        ExpectFloat(op, inputs, 0);
        if (!inputs[0].Equals(inputs[1])) throw Mismatch(op, inputs, "parameter and gradient shapes differ");
        ExpectHyperparameters(op, inputs, 2, Kernels.Ops.HyperparameterLayout.SgdCount);
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer p = inputs[0], g = inputs[1], h = inputs[2];
        return new BoundKernel("sgd-update", backend.Kernels.Bind(KernelKeys.SgdUpdate, new KernelCall([g, h], [], [p], [[count]])));
    }
}
