using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// MomentumUpdate(param, accumulation, grad, hyperparameters): a ← a·m + g, then param ← param − lr·a,
/// both in place (MindSpore's ApplyMomentum), lr, m and the weight decay read from the optimizer's
/// hyperparameter block (float32 [3]) when the kernel runs. A side effect with no outputs; the
/// accumulation is optimizer state, a Parameter node like the weights.
/// </summary>
internal sealed class MomentumUpdateOp : OpDefinition
{
    public override OpKind Kind => OpKind.MomentumUpdate;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 4);
        ExpectHyperparameters(op, inputs, 3, Kernels.Ops.HyperparameterLayout.MomentumCount);
        for (int i = 0; i < 3; i++) ExpectFloat(op, inputs, i);
        if (!inputs[0].Equals(inputs[1]) || !inputs[0].Equals(inputs[2]))
            throw Mismatch(op, inputs, "parameter, accumulation and gradient shapes differ");
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0, 1];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer p = inputs[0], a = inputs[1], g = inputs[2], h = inputs[3];
        return new BoundKernel("momentum-update", backend.Kernels.Bind(KernelKeys.MomentumUpdate, new KernelCall([g, h], [], [p, a], [[count], [count]])));
    }
}
