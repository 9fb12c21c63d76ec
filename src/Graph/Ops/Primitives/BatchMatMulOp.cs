using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// Batched matrix products of float32 [B,M,K] and [B,K,N] to [B,M,N], either operand's last two axes transposed first
/// (<see cref="BatchMatMulAttributes"/>): MindSpore's <c>ops.BatchMatMul</c>. Each output element sums its K products in
/// order p = 0..K-1, so eager and compiled agree bit for bit. Gradient: two more BatchMatMuls per the transposes.
/// </summary>
public sealed class BatchMatMulOp : OpDefinition
{
    /// <summary>The one definition every BatchMatMul op carries.</summary>
    public static readonly BatchMatMulOp Instance = new();

    private BatchMatMulOp() { }

    /// <inheritdoc/>
    public override OpKind Kind => OpKind.Extension;

    /// <inheritdoc/>
    public override string Name => "BatchMatMul";

    private static BatchMatMulAttributes FlagsOf(Op op, IReadOnlyList<TensorType> inputs) =>
        op.Attributes as BatchMatMulAttributes ?? throw Mismatch(op, inputs, "has no transpose flags");

    /// <inheritdoc/>
    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 2);
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        var flags = FlagsOf(op, inputs);
        int[] a = inputs[0].Shape, b = inputs[1].Shape;
        if (a.Length != 3 || b.Length != 3) throw Mismatch(op, inputs, "expected [B,M,K] and [B,K,N]");
        int m = flags.TransposeA ? a[2] : a[1], ka = flags.TransposeA ? a[1] : a[2];
        int kb = flags.TransposeB ? b[2] : b[1], n = flags.TransposeB ? b[1] : b[2];
        if (a[0] != b[0]) throw Mismatch(op, inputs, $"batch sizes {a[0]} and {b[0]} differ");
        if (ka != kb) throw Mismatch(op, inputs, $"summed sizes {ka} and {kb} differ");
        if ((long)a[0] * m * n > int.MaxValue || inputs[0].ElementCount > int.MaxValue || inputs[1].ElementCount > int.MaxValue)
            throw Mismatch(op, inputs, $"more than {int.MaxValue} elements");
        return [TensorType.Float(a[0], m, n)];
    }

    /// <summary>A multiply and an add per product: 2·B·M·N·K.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var y = InferTypes(op, inputs)[0];
        var a = inputs[0].Shape;
        return 2 * y.ElementCount * (FlagsOf(op, inputs).TransposeA ? a[1] : a[2]);
    }

    private static Op Product(bool transposeA, bool transposeB) =>
        Op.Extension(Instance, new BatchMatMulAttributes(transposeA, transposeB));

    /// <inheritdoc/>
    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        var flags = (BatchMatMulAttributes)op.Attributes!;
        T a = inputs[0], w = inputs[1], dy = dOutput;
        T? da = null, dw = null;
        switch (flags.TransposeA, flags.TransposeB)
        {
            case (false, false): // y = a·w
                if (needed[0]) da = b.Apply(Product(false, true), dy, w);
                if (needed[1]) dw = b.Apply(Product(true, false), a, dy);
                break;
            case (true, false): // y = aᵀ·w
                if (needed[0]) da = b.Apply(Product(false, true), w, dy);
                if (needed[1]) dw = b.Apply(Product(false, false), a, dy);
                break;
            case (false, true): // y = a·wᵀ
                if (needed[0]) da = b.Apply(Product(false, false), dy, w);
                if (needed[1]) dw = b.Apply(Product(true, false), dy, a);
                break;
            default: // y = aᵀ·wᵀ
                if (needed[0]) da = b.Apply(Product(true, true), w, dy);
                if (needed[1]) dw = b.Apply(Product(true, true), dy, a);
                break;
        }
        return [da, dw];
    }

    /// <inheritdoc/>
    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var output = InferTypes(op, inputTypes)[0];
        var flags = FlagsOf(op, inputTypes);
        var call = new KernelCall(inputs, [inputTypes[0].Shape, inputTypes[1].Shape], outputs, [output.Shape])
        {
            Axes = [flags.TransposeA ? 1 : 0, flags.TransposeB ? 1 : 0],
        };
        return new BoundKernel(FamilyKeys.BatchMatMul, backend.Kernels.Bind(FamilyKeys.BatchMatMul, call));
    }
}
