using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// BatchNormTraining(x, gamma, beta) → (y, mean, var): batch normalisation with the batch's statistics, fused. x is float32
/// [N, C, ...] (axis 1 the channels; [N, C] for BatchNorm1d), gamma and beta [C]; mean and var are each channel's mean and
/// biased variance over every other axis, and y = (x − mean)/√(var + eps)·gamma + beta. One kernel
/// (<see cref="BatchNormKeys.Forward"/>): each channel's statistics, then its output. Gradient:
/// <see cref="BatchNormTrainingGradOp"/>, one kernel for dx, dgamma and dbeta, which also takes the gradients that flow
/// into mean and var.
/// </summary>
public sealed class BatchNormTrainingOp : OpDefinition
{
    /// <summary>The one definition every training-mode batch normalisation carries.</summary>
    public static readonly BatchNormTrainingOp Instance = new();

    private BatchNormTrainingOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "BatchNormTraining";

    /// <summary>The eps, checked to be positive and finite; shared with <see cref="BatchNormTrainingGradOp"/>.</summary>
    internal static float EpsOf(Op op, IReadOnlyList<TensorType> inputs)
    {
        var attributes = op.Attributes as BatchNormAttributes ?? throw Mismatch(op, inputs, "has no eps");
        if (!(attributes.Eps > 0) || !float.IsFinite(attributes.Eps)) throw Mismatch(op, inputs, $"eps {attributes.Eps:R} must be positive and finite");
        return attributes.Eps;
    }

    /// <summary>Input <paramref name="index"/> must be float32 [C], C axis 1 of input <paramref name="xIndex"/>.</summary>
    internal static void ExpectChannels(Op op, IReadOnlyList<TensorType> inputs, int index, int xIndex, string what)
    {
        int channels = inputs[xIndex].Shape[1];
        if (inputs[index].DType != DType.Float32 || !inputs[index].Shape.AsSpan().SequenceEqual([channels]))
            throw Mismatch(op, inputs, $"input {index} ({what}) must be float32 [{channels}], one value per channel of input {xIndex}");
    }

    /// <summary>Input <paramref name="index"/> must be float32 of rank 2 or more, [N, C, ...], with at least one element.</summary>
    internal static void ExpectNormalised(Op op, IReadOnlyList<TensorType> inputs, int index)
    {
        ExpectFloat(op, inputs, index);
        if (inputs[index].Shape.Length < 2) throw Mismatch(op, inputs, $"input {index} must have rank 2 or more, [N, C, ...]");
        if (inputs[index].ElementCount == 0) throw Mismatch(op, inputs, $"input {index} must not be empty");
        long inner = inputs[index].ElementCount / ((long)inputs[index].Shape[0] * inputs[index].Shape[1]);
        if (inner > int.MaxValue) throw Mismatch(op, inputs, $"input {index} has {inner} values per (n, c) plane, more than int.MaxValue");
    }

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 3);
        ExpectNormalised(op, inputs, 0);
        ExpectChannels(op, inputs, 1, 0, "gamma");
        ExpectChannels(op, inputs, 2, 0, "beta");
        EpsOf(op, inputs);
        var column = TensorType.Float(inputs[0].Shape[1]);
        return [inputs[0], column, column];
    }

    /// <summary>Seven per element: an add for the mean, a subtract, multiply and add for the variance, a subtract, multiply and add for y.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 7 * inputs[0].ElementCount;

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, IReadOnlyList<T> outputs, IReadOnlyList<T> dOutputs,
        IReadOnlyList<bool> needed) where T : class
    {
        if (!needed.Any(n => n)) return [null, null, null];
        var grads = b.ApplyMulti(Op.Extension(BatchNormTrainingGradOp.Instance, op.Attributes),
            dOutputs[0], dOutputs[1], dOutputs[2], inputs[0], inputs[1], outputs[1], outputs[2]);
        return [needed[0] ? grads[0] : null, needed[1] ? grads[1] : null, needed[2] ? grads[2] : null];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        float eps = EpsOf(op, inputTypes);
        var shapes = inputTypes.Select(t => t.Shape).ToArray();
        int[] column = [inputTypes[0].Shape[1]];
        var call = new KernelCall(inputs, shapes, outputs, [inputTypes[0].Shape, column, column]) { Scalar = eps };
        return new BoundKernel(BatchNormKeys.Forward, backend.Kernels.Bind(BatchNormKeys.Forward, call));
    }
}
