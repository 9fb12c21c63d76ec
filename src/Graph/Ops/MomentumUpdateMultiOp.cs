using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Every momentum update of a step in one launch: inputs are n parameters, their n accumulations,
/// their n gradients, then the hyperparameter block they all read; each group shares one allocation
/// (parameter block, optimizer state block, arena).
/// </summary>
internal sealed class MomentumUpdateMultiOp : OpDefinition
{
    public override OpKind Kind => OpKind.MomentumUpdateMulti;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count < 4 || inputs.Count % 3 != 1) throw Mismatch(op, inputs, "expected n parameters, n accumulations, n gradients, then the hyperparameter block");
        int n = inputs.Count / 3;
        ExpectHyperparameters(op, inputs, inputs.Count - 1, Kernels.Ops.HyperparameterLayout.MomentumCount);
        for (int i = 0; i < n; i++)
        {
            ExpectFloat(op, inputs, i);
            if (!inputs[i].Equals(inputs[n + i]) || !inputs[i].Equals(inputs[2 * n + i]))
                throw Mismatch(op, inputs, $"parameter {i}, its accumulation and its gradient differ in shape");
        }
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => Enumerable.Range(0, 2 * (inputCount / 3)).ToArray();

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var table = new MultiTensorTable(backend, op, inputTypes, inputs.Take(inputs.Count - 1).ToList(), groups: 3);
        DeviceBuffer parameters = table.Roots[0], accumulations = table.Roots[1], gradients = table.Roots[2], segments = table.Segments, h = inputs[^1];
        int n = table.Count, total = table.TotalElements;
        return new BoundKernel("momentum-update-multi",
            backend.Kernels.Bind(KernelKeys.MomentumUpdateMulti,
                new KernelCall([gradients, segments, h], [], [parameters, accumulations], []) { Attributes = new SegmentAttributes(n, total) }), table);
    }
}
