using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// y[i,j] = x[i,j] + b[j] for a matrix; with <see cref="AxisAttributes"/>, b added along that axis of
/// an N-D tensor (y[n,c,h,w] = x[n,c,h,w] + b[c] for axis 1 of NCHW). Gradient: dx = dy,
/// db = ColumnSum(dy) over the same axis.
/// </summary>
internal sealed class BiasAddOp : OpDefinition
{
    public override OpKind Kind => OpKind.BiasAdd;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        if (op.Attributes is AxisAttributes { Axis: var axis })
        {
            if (axis < 0 || axis >= inputs[0].Rank)
                throw Mismatch(op, inputs, $"axis {axis} is outside x's {inputs[0].Rank} axes");
            if (inputs[1].Rank != 1 || inputs[1][0] != inputs[0][axis])
                throw Mismatch(op, inputs, $"expected a bias of x's axis-{axis} length, [{inputs[0][axis]}]");
            return [inputs[0]];
        }
        if (inputs[0].Rank != 2 || inputs[1].Rank != 1 || inputs[1][0] != inputs[0][1])
            throw Mismatch(op, inputs, "expected x [rows,n] and bias [n]");
        return [inputs[0]];
    }

    /// <summary>One operation per output element.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => inputs[0].ElementCount;

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        [needed[0] ? dOutput : null, needed[1] ? b.Apply(new Op { Kind = OpKind.ColumnSum, Attributes = op.Attributes }, dOutput) : null];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        DeviceBuffer x = inputs[0], bias = inputs[1], y = outputs[0];
        if (op.Attributes is AxisAttributes { Axis: var axis })
        {
            var (outer, channels, inner) = AxisView.Of(inputTypes[0], axis);
            return new BoundKernel("channel-bias-add", backend.Kernels.Bind(KernelKeys.ChannelBiasAdd,
                new KernelCall([x, bias], [[outer, channels, inner], [channels]], [y], [[outer, channels, inner]])));
        }
        int rows = inputTypes[0][0], columns = inputTypes[0][1];
        return new BoundKernel("bias-add", backend.Kernels.Bind(KernelKeys.BiasAdd, new KernelCall([x, bias], [[rows, columns], [columns]], [y], [[rows, columns]])));
    }
}
