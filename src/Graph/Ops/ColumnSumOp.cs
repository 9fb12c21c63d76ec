using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>s[j] = Σ_i x[i,j]: the bias gradient. Not differentiable further.</summary>
public sealed class ColumnSumOp : OpDefinition
{
    public override OpKind Kind => OpKind.ColumnSum;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        if (inputs[0].Rank != 2) throw Mismatch(op, inputs, "expected a 2-D input");
        return [TensorType.Float(inputs[0][1])];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs)
    {
        int rows = inputTypes[0][0], columns = inputTypes[0][1];
        DeviceBuffer x = inputs[0], s = outputs[0];
        return new BoundKernel("column-sum", () => backend.ColumnSum(x, s, rows, columns));
    }
}
