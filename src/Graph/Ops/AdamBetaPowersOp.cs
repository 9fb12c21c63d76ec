using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>AdamBetaPowers(beta1Power, beta2Power, hyperparameters): β₁ᵗ ← β₁ᵗ·β₁, β₂ᵗ ← β₂ᵗ·β₂, in place, once per step, β₁ and β₂ read from Adam's hyperparameter block.</summary>
internal sealed class AdamBetaPowersOp : OpDefinition
{
    public override OpKind Kind => OpKind.AdamBetaPowers;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 3);
        ExpectHyperparameters(op, inputs, 2, Kernels.Ops.HyperparameterLayout.AdamCount);
        for (int i = 0; i < 2; i++)
        {
            ExpectFloat(op, inputs, i);
            if (inputs[i].ElementCount != 1) throw Mismatch(op, inputs, "the beta powers must be single numbers");
        }
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [0, 1];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        DeviceBuffer b1 = inputs[0], b2 = inputs[1], h = inputs[2];
        return new BoundKernel("adam-beta-powers", backend.Kernels.Bind(KernelKeys.AdamBetaPowers, new KernelCall([h], [], [b1, b2], [[], []])));
    }
}
