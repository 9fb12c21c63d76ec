namespace Trainer.Training;

/// <summary>
/// Softmax and log-softmax along one axis, composed of the primitives (so their gradients, eager and compiled, are
/// the primitives' own): the row's maximum is subtracted first, so large logits do not overflow.
/// </summary>
public static partial class Ops
{
    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="axis"/> (−1: the last).</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        var e = Exp(Sub(x, ReduceMax(x, [axis], keepDims: true)));
        return Div(e, ReduceSum(e, [axis], keepDims: true));
    }

    /// <summary>(x − max) − ln Σ exp(x − max) along <paramref name="axis"/> (−1: the last).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        var shifted = Sub(x, ReduceMax(x, [axis], keepDims: true));
        return Sub(shifted, Log(ReduceSum(Exp(shifted), [axis], keepDims: true)));
    }
}
