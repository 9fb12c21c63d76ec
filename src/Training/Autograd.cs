namespace Trainer.Training;

/// <summary>Function transformations for training (MindSpore's value_and_grad).</summary>
public static class Autograd
{
    /// <summary>
    /// Wraps <paramref name="forward"/> so that it also returns the gradients of its first output
    /// with respect to <paramref name="weights"/>. With <paramref name="hasAux"/> the second output
    /// is returned alongside and not differentiated, as with MindSpore's
    /// <c>value_and_grad(fn, None, weights, has_aux=True)</c>. Gradients with respect to the
    /// inputs (<paramref name="gradPosition"/>) are not supported; pass null.
    /// </summary>
    public static Func<Tensor, Tensor, ((Tensor Loss, Tensor Aux) Values, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, (Tensor Loss, Tensor Aux)> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights, bool hasAux)
    {
        if (gradPosition is not null)
            throw new NotSupportedException("gradients with respect to inputs are not supported: pass gradPosition null");
        if (!hasAux)
            throw new ArgumentException("forward returns (loss, aux): pass hasAux true, or use the overload for a single output", nameof(hasAux));
        return (a, b) =>
        {
            var executor = a.Executor;
            using (executor.Record())
            {
                var (loss, aux) = forward(a, b);
                return ((loss, aux), loss.Executor.Gradients(loss, weights.Cast<Tensor>().ToArray()));
            }
        };
    }

    /// <summary>The single-output form: gradients of <paramref name="forward"/>'s result.</summary>
    public static Func<Tensor, Tensor, (Tensor Loss, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, Tensor> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights)
    {
        var withAux = ValueAndGrad((x, y) => { var l = forward(x, y); return (l, l); }, gradPosition, weights, hasAux: true);
        return (a, b) =>
        {
            var ((loss, _), grads) = withAux(a, b);
            return (loss, grads);
        };
    }
}
