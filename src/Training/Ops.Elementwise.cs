using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>
/// Elementwise arithmetic with NumPy broadcasting and unary math. Each differentiates, runs eagerly or under
/// compilation, and refuses inputs that do not fit with an <see cref="Trainer.Graph.Ops.OpShapeException"/> (eager) or a
/// compile error (traced) naming the op and both shapes.
/// </summary>
public static partial class Ops
{
    private static Tensor Extension(Graph.Ops.OpDefinition definition, OpAttributes? attributes, params Tensor[] inputs) =>
        Apply(Graph.Ir.Op.Extension(definition, attributes), inputs);

    /// <summary>a + b, broadcast NumPy's way; for equal shapes the same add autodiff sums gradients with.</summary>
    public static Tensor Add(Tensor a, Tensor b) =>
        a.Type.Equals(b.Type) ? Apply(Graph.Ir.Op.Of(OpKind.Add), a, b) : Extension(BroadcastAddOp.Instance, null, a, b);

    /// <summary>a − b, broadcast.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => Extension(SubOp.Instance, null, a, b);

    /// <summary>a·b elementwise, broadcast.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => Extension(MulOp.Instance, null, a, b);

    /// <summary>a / b elementwise, broadcast (IEEE division: ±∞ or NaN where b is 0).</summary>
    public static Tensor Div(Tensor a, Tensor b) => Extension(DivOp.Instance, null, a, b);

    /// <summary>The larger of a and b elementwise, broadcast (NaN if either is); the gradient goes to a on ties.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extension(MaximumOp.Instance, null, a, b);

    /// <summary>The smaller of a and b elementwise, broadcast (NaN if either is); the gradient goes to a on ties.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extension(MinimumOp.Instance, null, a, b);

    /// <summary>x·s for a scalar s.</summary>
    public static Tensor Mul(Tensor x, float s) => Extension(MulScalarOp.Instance, new ScalarAttributes(s), x);

    /// <summary>x + s for a scalar s.</summary>
    public static Tensor Add(Tensor x, float s) => Extension(AddScalarOp.Instance, new ScalarAttributes(s), x);

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x) => Extension(NegOp.Instance, null, x);

    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => Extension(ExpOp.Instance, null, x);

    /// <summary>ln x (NaN below 0, −∞ at 0).</summary>
    public static Tensor Log(Tensor x) => Extension(LogOp.Instance, null, x);

    /// <summary>√x (NaN below 0).</summary>
    public static Tensor Sqrt(Tensor x) => Extension(SqrtOp.Instance, null, x);

    /// <summary>tanh x.</summary>
    public static Tensor Tanh(Tensor x) => Extension(TanhOp.Instance, null, x);

    /// <summary>1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(Tensor x) => Extension(SigmoidOp.Instance, null, x);

    /// <summary>|x|; its gradient is 0 at 0.</summary>
    public static Tensor Abs(Tensor x) => Extension(AbsOp.Instance, null, x);

    /// <summary>x².</summary>
    public static Tensor Square(Tensor x) => Extension(SquareOp.Instance, null, x);

    /// <summary>x copied to <paramref name="shape"/>, broadcast NumPy's way; its gradient sums back over the broadcast axes.</summary>
    public static Tensor BroadcastTo(Tensor x, params int[] shape) => Extension(BroadcastToOp.Instance, new ShapeAttributes(shape), x);
}
