using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>y[i,j] = x[i,j] + b[j]. Gradient: dx = dy, db = ColumnSum(dy).</summary>
public sealed class BiasAddOp : OpDefinition
{
    public override OpKind Kind => OpKind.BiasAdd;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        if (inputs[0].Rank != 2 || inputs[1].Rank != 1 || inputs[1][0] != inputs[0][1])
            throw Mismatch(op, inputs, "expected x [rows,n] and bias [n]");
        return [inputs[0]];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? dOutput : null, needed[1] ? b.Apply(Op.Of(OpKind.ColumnSum), dOutput) : null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs)
    {
        int rows = inputTypes[0][0], columns = inputTypes[0][1];
        DeviceBuffer x = inputs[0], bias = inputs[1], y = outputs[0];
        return new BoundKernel("bias-add", () => backend.BiasAdd(x, bias, y, rows, columns));
    }
}
