using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// uint8 image bytes to normalised float32 (<see cref="NormalizeAttributes"/>), on the device, so a
/// step can take its batch as bytes: a quarter of the float upload. The same float32 operations as
/// the host pipeline, so the values are the ones the host would have uploaded. Data has no gradient.
/// </summary>
internal sealed class ImageNormalizeOp : OpDefinition
{
    public override OpKind Kind => OpKind.ImageNormalize;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        if (inputs[0].DType != DType.UInt8) throw Mismatch(op, inputs, "input 0 must be uint8");
        if (op.Attributes is not NormalizeAttributes) throw Mismatch(op, inputs, "the op carries no normalisation attributes");
        return [new TensorType(inputs[0].Shape, DType.Float32)];
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var a = (NormalizeAttributes)op.Attributes!;
        int count = checked((int)inputTypes[0].ElementCount);
        DeviceBuffer x = inputs[0], y = outputs[0];
        return new BoundKernel("image_normalize", backend.Kernels.Bind(KernelKeys.ImageNormalize,
            new KernelCall([x], [[count]], [y], [[count]]) { Attributes = new ImageNormalizeAttributes(a.Scale, a.Shift, a.Mean, a.Std) }));
    }
}
