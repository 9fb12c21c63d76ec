using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ops;

/// <summary>
/// Y = op(A)·op(B) on 2-D float tensors, optionally with a fused epilogue (bias, ReLU, ReLU-backward
/// mask) whose extra inputs follow A and B in that order. Users only make plain MatMuls; the
/// epilogue comes from fusion passes. With the SGD epilogue (alone) the third input is a parameter
/// P of the output's shape, the fourth the optimizer's hyperparameter block, and the node has no
/// output: it updates P ← P − lr·op(A)·op(B) in place, lr read from the block when it runs.
/// </summary>
internal sealed class MatMulOp : OpDefinition
{
    public override OpKind Kind => OpKind.MatMul;

    /// <summary>2·M·N·K for the product, plus one per output element for a fused bias and for a fused ReLU.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs)
    {
        var (m, n, k) = Dimensions(op, inputs[0], inputs[1]);
        var e = new GemmEpilogue(op.Epilogue);
        long outputs = (long)m * n;
        return 2 * outputs * k + (e.HasBias ? outputs : 0) + (e.HasRelu ? outputs : 0);
    }

    public static (int M, int N, int K) Dimensions(Op op, TensorType a, TensorType b)
    {
        int m = op.TransposeA ? a[1] : a[0], ka = op.TransposeA ? a[0] : a[1];
        int n = op.TransposeB ? b[0] : b[1];
        return (m, n, ka);
    }

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        var e = new GemmEpilogue(op.Epilogue);
        if (e.HasSgd && op.Epilogue != GemmEpilogue.SgdFlag) throw Mismatch(op, inputs, "the SGD epilogue goes alone");
        int expected = 2 + (e.HasBias ? 1 : 0) + (e.HasMask ? 1 : 0) + (e.HasSgd ? 2 : 0);
        ExpectInputs(op, inputs, expected);
        TensorType a = inputs[0], b = inputs[1];
        if (a.Rank != 2 || b.Rank != 2) throw Mismatch(op, inputs, "both operands must be 2-D");
        ExpectFloat(op, inputs, 0);
        ExpectFloat(op, inputs, 1);
        int ka = op.TransposeA ? a[0] : a[1], kb = op.TransposeB ? b[1] : b[0];
        if (ka != kb) throw Mismatch(op, inputs, $"inner dimensions differ ({ka} vs {kb})");
        var (m, n, _) = Dimensions(op, a, b);
        int next = 2;
        if (e.HasBias && (inputs[next].Rank != 1 || inputs[next++][0] != n))
            throw Mismatch(op, inputs, $"bias must be [{n}]");
        if (e.HasMask && !inputs[next].Shape.AsSpan().SequenceEqual([m, n]))
            throw Mismatch(op, inputs, $"mask must be [{m},{n}]");
        if (e.HasSgd)
        {
            ExpectFloat(op, inputs, 2);
            if (!inputs[2].Shape.AsSpan().SequenceEqual([m, n])) throw Mismatch(op, inputs, $"the updated parameter must be [{m},{n}]");
            ExpectHyperparameters(op, inputs, 3, Kernels.Ops.HyperparameterLayout.SgdCount);
            return [];
        }
        return [TensorType.Float(m, n)];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class
    {
        if (op.Epilogue != 0) return base.Gradient(b, op, inputs, output, dOutput, needed);
        T x = inputs[0], w = inputs[1], dy = dOutput;
        T? da = null, db = null;
        // Y = op(A)·op(B): each case is the textbook pair with the transposes moved onto the operands.
        switch (op.TransposeA, op.TransposeB)
        {
            case (false, false):
                if (needed[0]) da = b.Apply(Op.MatMul(false, true), dy, w);   // dY·Bᵀ
                if (needed[1]) db = b.Apply(Op.MatMul(true, false), x, dy);   // Aᵀ·dY
                break;
            case (false, true):
                if (needed[0]) da = b.Apply(Op.MatMul(false, false), dy, w);  // dY·B
                if (needed[1]) db = b.Apply(Op.MatMul(true, false), dy, x);   // dYᵀ·A
                break;
            case (true, false):
                if (needed[0]) da = b.Apply(Op.MatMul(false, true), w, dy);   // B·dYᵀ
                if (needed[1]) db = b.Apply(Op.MatMul(false, false), x, dy);  // A·dY
                break;
            case (true, true):
                if (needed[0]) da = b.Apply(Op.MatMul(true, true), w, dy);    // Bᵀ·dYᵀ
                if (needed[1]) db = b.Apply(Op.MatMul(true, true), dy, x);    // dYᵀ·Aᵀ
                break;
        }
        return [da, db];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) =>
        new GemmEpilogue(op.Epilogue).HasSgd ? [2] : [];

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        var (m, n, k) = Dimensions(op, inputTypes[0], inputTypes[1]);
        var shape = GemmShape.For(m, n, k, op.TransposeA, op.TransposeB);
        var epilogue = new GemmEpilogue(op.Epilogue);
        int next = 2;
        DeviceBuffer? bias = epilogue.HasBias ? inputs[next++] : epilogue.HasSgd ? inputs[3] : null; // SGD: the hyperparameter block
        DeviceBuffer? mask = epilogue.HasMask ? inputs[next] : null;
        DeviceBuffer a = inputs[0], bm = inputs[1], c = epilogue.HasSgd ? inputs[2] : outputs[0];
        return new BoundKernel($"gemm {op}", 
            backend.Kernels.Bind(KernelKeys.Gemm, new KernelCall([a, bm], [], [c], []) { Attributes = new GemmAttributes(shape, epilogue, bias, mask) }));
    }
}
