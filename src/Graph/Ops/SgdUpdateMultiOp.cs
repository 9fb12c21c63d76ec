using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Every SGD update of a step in one launch: inputs are n parameters, their n gradients, then the
/// hyperparameter block they all read.
/// The parameters must share one allocation and so must the gradients (the parameter block and
/// the arena); binding uploads the table of offsets once.
/// </summary>
internal sealed class SgdUpdateMultiOp : OpDefinition
{
    public override OpKind Kind => OpKind.SgdUpdateMulti;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count < 3 || inputs.Count % 2 != 1) throw Mismatch(op, inputs, "expected n parameters, n gradients, then the hyperparameter block");
        int n = inputs.Count / 2;
        ExpectHyperparameters(op, inputs, inputs.Count - 1, Kernels.Ops.HyperparameterLayout.SgdCount);
        for (int i = 0; i < n; i++)
        {
            ExpectFloat(op, inputs, i);
            if (!inputs[i].Equals(inputs[n + i])) throw Mismatch(op, inputs, $"parameter {i} and its gradient differ in shape");
        }
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => Enumerable.Range(0, inputCount / 2).ToArray();

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var table = new MultiTensorTable(backend, op, inputTypes, inputs.Take(inputs.Count - 1).ToList(), groups: 2);
        DeviceBuffer parameters = table.Roots[0], gradients = table.Roots[1], segments = table.Segments, h = inputs[^1];
        int n = table.Count, total = table.TotalElements;
        return new BoundKernel("sgd-update-multi", backend.Kernels.Bind(KernelKeys.SgdUpdateMulti,
            new KernelCall([gradients, segments, h], [], [parameters], []) { Attributes = new SegmentAttributes(n, total) }), table);
    }
}
