using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Every Adam update of a step in one launch: inputs are n parameters, n first moments, n second
/// moments, n gradients, then the two beta powers and the hyperparameter block all of them read.
/// </summary>
internal sealed class AdamUpdateMultiOp : OpDefinition
{
    public override OpKind Kind => OpKind.AdamUpdateMulti;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count < 7 || (inputs.Count - 3) % 4 != 0) throw Mismatch(op, inputs, "expected n parameters, n m, n v, n gradients, then the two beta powers and the hyperparameter block");
        int n = (inputs.Count - 3) / 4;
        ExpectHyperparameters(op, inputs, inputs.Count - 1, Kernels.Ops.HyperparameterLayout.AdamCount);
        for (int i = 0; i < inputs.Count; i++) ExpectFloat(op, inputs, i);
        for (int i = 0; i < n; i++)
            for (int k = 1; k < 4; k++)
                if (!inputs[i].Equals(inputs[k * n + i])) throw Mismatch(op, inputs, $"parameter {i}, its moments and its gradient differ in shape");
        if (inputs[^3].ElementCount != 1 || inputs[^2].ElementCount != 1) throw Mismatch(op, inputs, "the beta powers must be single numbers");
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => Enumerable.Range(0, 3 * ((inputCount - 3) / 4)).ToArray();

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var table = new MultiTensorTable(backend, op, inputTypes, inputs.Take(inputs.Count - 3).ToList(), groups: 4);
        DeviceBuffer p = table.Roots[0], m = table.Roots[1], v = table.Roots[2], g = table.Roots[3], segments = table.Segments;
        DeviceBuffer b1 = inputs[^3], b2 = inputs[^2], h = inputs[^1];
        int n = table.Count, total = table.TotalElements;
        return new BoundKernel("adam-update-multi",
            backend.Kernels.Bind(KernelKeys.AdamUpdateMulti,
                new KernelCall([g, segments, b1, b2, h], [], [p, m, v], []) { Attributes = new SegmentAttributes(n, total) }), table);
    }
}
