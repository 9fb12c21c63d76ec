using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// s[j] = Σ_i x[i,j]: the bias gradient; with <see cref="AxisAttributes"/>, the sum over every axis
/// but that one (s[c] = Σ_n,h,w x[n,c,h,w] for axis 1 of NCHW). Not differentiable further.
/// </summary>
internal sealed class ColumnSumOp : OpDefinition
{
    public override OpKind Kind => OpKind.ColumnSum;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        if (op.Attributes is AxisAttributes { Axis: var axis })
        {
            if (axis < 0 || axis >= inputs[0].Rank) throw Mismatch(op, inputs, $"axis {axis} is outside x's {inputs[0].Rank} axes");
            return [TensorType.Float(inputs[0][axis])];
        }
        if (inputs[0].Rank != 2) throw Mismatch(op, inputs, "expected a 2-D input");
        return [TensorType.Float(inputs[0][1])];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        DeviceBuffer x = inputs[0], s = outputs[0];
        if (op.Attributes is AxisAttributes { Axis: var axis })
        {
            var (outer, channels, inner) = AxisView.Of(inputTypes[0], axis);
            return new BoundKernel("channel-sum", backend.Kernels.Bind(KernelKeys.ChannelSum, new KernelCall([x], [[outer, channels, inner]], [s], [[channels]])));
        }
        int rows = inputTypes[0][0], columns = inputTypes[0][1];
        return new BoundKernel("column-sum", backend.Kernels.Bind(KernelKeys.ColumnSum, new KernelCall([x], [[rows, columns]], [s], [[columns]])));
    }
}
