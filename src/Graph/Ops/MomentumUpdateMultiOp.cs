using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// Every momentum update of a step in one launch: inputs are n parameters, their n accumulations,
/// then their n gradients; each group shares one allocation (parameter block, optimizer state
/// block, arena).
/// </summary>
internal sealed class MomentumUpdateMultiOp : OpDefinition
{
    public override OpKind Kind => OpKind.MomentumUpdateMulti;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count == 0 || inputs.Count % 3 != 0) throw Mismatch(op, inputs, "expected n parameters, n accumulations, then n gradients");
        int n = inputs.Count / 3;
        for (int i = 0; i < n; i++)
        {
            ExpectFloat(op, inputs, i);
            if (!inputs[i].Equals(inputs[n + i]) || !inputs[i].Equals(inputs[2 * n + i]))
                throw Mismatch(op, inputs, $"parameter {i}, its accumulation and its gradient differ in shape");
        }
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => Enumerable.Range(0, 2 * inputCount / 3).ToArray();

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var table = new MultiTensorTable(backend, op, inputTypes, inputs, groups: 3);
        var (lr, momentum, decay) = (MomentumAttributes)op.Attributes!;
        DeviceBuffer parameters = table.Roots[0], accumulations = table.Roots[1], gradients = table.Roots[2], segments = table.Segments;
        int n = table.Count, total = table.TotalElements;
        return new BoundKernel("momentum-update-multi",
            () => backend.MomentumUpdateMulti(parameters, accumulations, gradients, segments, n, total, lr, momentum, decay), table);
    }
}
