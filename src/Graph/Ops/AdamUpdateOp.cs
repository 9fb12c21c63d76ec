using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// AdamUpdate(param, m, v, grad, beta1Power, beta2Power, hyperparameters): MindSpore's ApplyAdam,
/// writing param, m and v in place and reading the two scalar powers (β₁ᵗ⁻¹, β₂ᵗ⁻¹), which
/// AdamBetaPowers advances after every update of the step has read them (the write-after-read pass
/// orders that), and lr, β₁, β₂, ε and the weight decay from the hyperparameter block (float32 [5]).
/// </summary>
internal sealed class AdamUpdateOp : OpDefinition
{
    public override OpKind Kind => OpKind.AdamUpdate;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 7);
        ExpectHyperparameters(op, inputs, 6, Kernels.Ops.HyperparameterLayout.AdamCount);
        for (int i = 0; i < 6; i++) ExpectFloat(op, inputs, i);
        for (int i = 1; i < 4; i++)
            if (!inputs[0].Equals(inputs[i])) throw Mismatch(op, inputs, "parameter, m, v and gradient shapes differ");
        if (inputs[4].ElementCount != 1 || inputs[5].ElementCount != 1) throw Mismatch(op, inputs, "the beta powers must be single numbers");
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0, 1, 2];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer p = inputs[0], m = inputs[1], v = inputs[2], g = inputs[3], b1 = inputs[4], b2 = inputs[5], h = inputs[6];
        return new BoundKernel("adam-update", backend.Kernels.Bind(KernelKeys.AdamUpdate, new KernelCall([g, b1, b2, h], [], [p, m, v], [[count], [count], [count]])));
    }
}
