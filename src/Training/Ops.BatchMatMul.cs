using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Batched matrix products.</summary>
public static partial class Ops
{
    /// <summary>
    /// op(a[i])·op(b[i]) for each batch index i of a [B,M,K] and b [B,K,N], giving [B,M,N] (MindSpore's
    /// <c>ops.BatchMatMul</c>); op transposes the last two axes where <paramref name="transposeA"/> (a is then [B,K,M]) or
    /// <paramref name="transposeB"/> (b is then [B,N,K]) is set. Each element sums its K products in order, so eager and
    /// compiled give the same bits. Its gradient is two more batched products.
    /// </summary>
    /// <exception cref="Trainer.Graph.Ops.OpShapeException">An operand is not of rank 3, or the batch or summed sizes differ.</exception>
    public static Tensor BatchMatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) =>
        Apply(Graph.Ir.Op.Extension(BatchMatMulOp.Instance, new BatchMatMulAttributes(transposeA, transposeB)), a, b);
}
