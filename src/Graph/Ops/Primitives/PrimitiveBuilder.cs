using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops.Primitives;

/// <summary>
/// The primitives as calls on an <see cref="IOpBuilder{T}"/>, so gradient rules read as formulas
/// (<c>b.Mul(dy, y)</c>) and run eagerly or add nodes, like every rule.
/// </summary>
public static class PrimitiveBuilder
{
    /// <summary>−x.</summary>
    public static T Neg<T>(this IOpBuilder<T> b, T x) where T : class => b.Apply(Op.Extension(NegOp.Instance), x);
    /// <summary>x·x.</summary>
    public static T Square<T>(this IOpBuilder<T> b, T x) where T : class => b.Apply(Op.Extension(SquareOp.Instance), x);
    /// <summary>The sign of x (0 at 0).</summary>
    public static T Sign<T>(this IOpBuilder<T> b, T x) where T : class => b.Apply(Op.Extension(SignOp.Instance), x);
    /// <summary>x·s.</summary>
    public static T MulScalar<T>(this IOpBuilder<T> b, T x, float s) where T : class => b.Apply(Op.Extension(MulScalarOp.Instance, new ScalarAttributes(s)), x);
    /// <summary>x + s.</summary>
    public static T AddScalar<T>(this IOpBuilder<T> b, T x, float s) where T : class => b.Apply(Op.Extension(AddScalarOp.Instance, new ScalarAttributes(s)), x);
    /// <summary>x·y, broadcasting.</summary>
    public static T Mul<T>(this IOpBuilder<T> b, T x, T y) where T : class => b.Apply(Op.Extension(MulOp.Instance), x, y);
    /// <summary>x / y, broadcasting.</summary>
    public static T Div<T>(this IOpBuilder<T> b, T x, T y) where T : class => b.Apply(Op.Extension(DivOp.Instance), x, y);
    /// <summary>1 where x ≥ y, else 0, broadcasting.</summary>
    public static T GreaterEqual<T>(this IOpBuilder<T> b, T x, T y) where T : class => b.Apply(Op.Extension(GreaterEqualOp.Instance), x, y);
    /// <summary>1 where x &gt; y, else 0, broadcasting.</summary>
    public static T Greater<T>(this IOpBuilder<T> b, T x, T y) where T : class => b.Apply(Op.Extension(GreaterOp.Instance), x, y);
    /// <summary>1 where x = y, else 0, broadcasting.</summary>
    public static T Equal<T>(this IOpBuilder<T> b, T x, T y) where T : class => b.Apply(Op.Extension(EqualOp.Instance), x, y);
    /// <summary>Zeros of x's type.</summary>
    public static T ZerosLike<T>(this IOpBuilder<T> b, T x) where T : class => b.Apply(Op.Fill(0f, b.TypeOf(x).Shape));

    /// <summary>The sum over <paramref name="axes"/>.</summary>
    public static T ReduceSum<T>(this IOpBuilder<T> b, T x, int[] axes, bool keepDims) where T : class =>
        b.Apply(Op.Extension(ReduceSumOp.Instance, new ReduceAttributes(axes, keepDims)), x);

    /// <summary>x with the shape <paramref name="shape"/> (a view, no launch); x itself when it has it already.</summary>
    public static T Reshape<T>(this IOpBuilder<T> b, T x, int[] shape) where T : class =>
        b.TypeOf(x).Shape.AsSpan().SequenceEqual(shape) ? x : b.Apply(Op.Reshape(shape), x);

    /// <summary>x broadcast to <paramref name="shape"/>; x itself when it has that shape.</summary>
    public static T BroadcastTo<T>(this IOpBuilder<T> b, T x, int[] shape) where T : class =>
        b.TypeOf(x).Shape.AsSpan().SequenceEqual(shape) ? x : b.Apply(Op.Extension(BroadcastToOp.Instance, new ShapeAttributes(shape)), x);

    /// <summary>
    /// A gradient of a broadcast result summed back to the shape of the operand that was broadcast: over the
    /// leading axes the operand lacked and the axes where it had size 1, then reshaped to it.
    /// </summary>
    public static T SumTo<T>(this IOpBuilder<T> b, T g, int[] shape) where T : class
    {
        var from = b.TypeOf(g).Shape;
        if (from.AsSpan().SequenceEqual(shape)) return g;
        var axes = BroadcastShapes.SummedAxes(from, shape);
        return b.Reshape(axes.Length == 0 ? g : b.ReduceSum(g, axes, keepDims: false), shape);
    }

    /// <summary>The shape a reduction's output has with its axes kept as size 1.</summary>
    public static int[] KeptShape(int[] shape, int[] axes) => shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray();
}
