using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The gradient of <see cref="BatchNormTrainingOp"/>: BatchNormTrainingGrad(dy, dmean, dvar, x, gamma, mean, var) →
/// (dx, dgamma, dbeta), dmean and dvar the gradients of the forward op's statistics outputs (zeros when nothing flowed
/// into them), mean and var the forward op's. One kernel (<see cref="BatchNormKeys.Backward"/>): each channel's Σdy and
/// Σdy·(x − mean), then dx. It has no gradient of its own.
/// </summary>
public sealed class BatchNormTrainingGradOp : OpDefinition
{
    /// <summary>The one definition every training-mode batch normalisation gradient carries.</summary>
    public static readonly BatchNormTrainingGradOp Instance = new();

    private BatchNormTrainingGradOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "BatchNormTrainingGrad";

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 7);
        BatchNormTrainingOp.ExpectNormalised(op, inputs, 3);
        if (!inputs[0].Equals(inputs[3])) throw Mismatch(op, inputs, "input 0 (dy) must have the type of input 3 (x)");
        BatchNormTrainingOp.ExpectChannels(op, inputs, 1, 3, "dmean");
        BatchNormTrainingOp.ExpectChannels(op, inputs, 2, 3, "dvar");
        BatchNormTrainingOp.ExpectChannels(op, inputs, 4, 3, "gamma");
        BatchNormTrainingOp.ExpectChannels(op, inputs, 5, 3, "mean");
        BatchNormTrainingOp.ExpectChannels(op, inputs, 6, 3, "var");
        BatchNormTrainingOp.EpsOf(op, inputs);
        var column = TensorType.Float(inputs[3].Shape[1]);
        return [inputs[3], column, column];
    }

    /// <summary>Nine per element: four for the two sums, five for dx.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 9 * inputs[0].ElementCount;

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        float eps = BatchNormTrainingOp.EpsOf(op, inputTypes);
        var shapes = inputTypes.Select(t => t.Shape).ToArray();
        int[] column = [inputTypes[3].Shape[1]];
        var call = new KernelCall(inputs, shapes, outputs, [inputTypes[3].Shape, column, column]) { Scalar = eps };
        return new BoundKernel(BatchNormKeys.Backward, backend.Kernels.Bind(BatchNormKeys.Backward, call));
    }
}
