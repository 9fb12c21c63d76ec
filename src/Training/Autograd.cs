using Trainer.Training.Execution;

namespace Trainer.Training;

/// <summary>Function transformations for training (MindSpore's value_and_grad).</summary>
public static class Autograd
{
    /// <summary>
    /// Wraps <paramref name="forward"/>, a function of any number of inputs returning one or more values,
    /// so that it also returns the gradients of its first value (a scalar): first with respect to the
    /// inputs at <paramref name="gradPosition"/> (in that order; null for none), then with respect to
    /// <paramref name="weights"/> (null for none), as MindSpore's
    /// <c>value_and_grad(fn, grad_position, weights, has_aux)</c>. With <paramref name="hasAux"/> the other
    /// values are returned alongside and not differentiated; without it the function must return exactly
    /// one value. Works eagerly and while tracing. Eagerly, every temporary the forward and backward
    /// passes make is freed before it returns; the values and gradients belong to the enclosing scope.
    /// </summary>
    /// <exception cref="ArgumentException">A grad position is out of range or repeated (when called), or names a non-float32 input.</exception>
    /// <exception cref="InvalidOperationException">The function returned no value, or several without <paramref name="hasAux"/>.</exception>
    public static Func<Tensor[], (Tensor[] Values, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor[], Tensor[]> forward, int[]? gradPosition, IReadOnlyList<Parameter>? weights, bool hasAux = false)
    {
        ArgumentNullException.ThrowIfNull(forward);
        int[] positions = gradPosition ?? [];
        if (positions.Distinct().Count() != positions.Length)
            throw new ArgumentException($"gradPosition repeats an input: [{string.Join(", ", positions)}]", nameof(gradPosition));
        Tensor[] weightList = weights is null ? [] : [.. weights];
        return inputs =>
        {
            foreach (var p in positions)
            {
                if (p < 0 || p >= inputs.Length)
                    throw new ArgumentException($"gradPosition {p} is out of range: the function was given {inputs.Length} inputs", nameof(gradPosition));
                if (inputs[p].ElementType != ElementType.Float32)
                    throw new ArgumentException($"gradPosition {p} is a {inputs[p].Shape} {inputs[p].ElementType.Name()} input: only float32 inputs have gradients", nameof(gradPosition));
            }
            var executor = Ops.ExecutorOf(inputs.Concat(weightList));
            var eager = executor as EagerExecutor;
            var scope = eager?.OpenScope();
            try
            {
                using (executor.Record())
                {
                    var values = forward(inputs);
                    if (values.Length == 0) throw new InvalidOperationException("the function given to ValueAndGrad returned no value");
                    if (values.Length > 1 && !hasAux)
                        throw new InvalidOperationException($"the function given to ValueAndGrad returned {values.Length} values: pass hasAux true to differentiate the first and return the rest");
                    Tensor[] wrt = [.. positions.Select(p => inputs[p]), .. weightList];
                    var grads = values[0].Executor.Gradients(values[0], wrt);
                    if (scope is not null)
                        foreach (var t in values.Concat(grads)) scope.Keep(t);
                    return (values, grads);
                }
            }
            finally
            {
                if (scope is not null) eager!.CloseScope(scope);
            }
        };
    }

    /// <summary>
    /// Wraps <paramref name="forward"/> so that it also returns the gradients of its first output
    /// with respect to the inputs at <paramref name="gradPosition"/> (null for none), then to
    /// <paramref name="weights"/>. With <paramref name="hasAux"/> the second output is returned
    /// alongside and not differentiated, as with MindSpore's
    /// <c>value_and_grad(fn, None, weights, has_aux=True)</c>.
    /// </summary>
    public static Func<Tensor, Tensor, ((Tensor Loss, Tensor Aux) Values, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, (Tensor Loss, Tensor Aux)> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights, bool hasAux)
    {
        if (!hasAux)
            throw new ArgumentException("forward returns (loss, aux): pass hasAux true, or use the overload for a single output", nameof(hasAux));
        var general = ValueAndGrad(xs => { var (l, a) = forward(xs[0], xs[1]); return [l, a]; }, gradPosition, weights, hasAux: true);
        return (a, b) =>
        {
            var (values, grads) = general([a, b]);
            return ((values[0], values[1]), grads);
        };
    }

    /// <summary>The single-output form: the value of <paramref name="forward"/> and its gradients (inputs at <paramref name="gradPosition"/> first, then <paramref name="weights"/>).</summary>
    public static Func<Tensor, Tensor, (Tensor Loss, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, Tensor> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights)
    {
        var general = ValueAndGrad(xs => [forward(xs[0], xs[1])], gradPosition, weights);
        return (a, b) =>
        {
            var (values, grads) = general([a, b]);
            return (values[0], grads);
        };
    }

    /// <summary>The one-input, single-output form (see <see cref="ValueAndGrad(Func{Tensor, Tensor, Tensor}, int[], IReadOnlyList{Parameter})"/>).</summary>
    public static Func<Tensor, (Tensor Loss, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights)
    {
        var general = ValueAndGrad(xs => [forward(xs[0])], gradPosition, weights);
        return a =>
        {
            var (values, grads) = general([a]);
            return (values[0], grads);
        };
    }

    /// <summary>The three-input, single-output form (two data inputs and labels, say; see <see cref="ValueAndGrad(Func{Tensor, Tensor, Tensor}, int[], IReadOnlyList{Parameter})"/>).</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Loss, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, Tensor, Tensor> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights)
    {
        var general = ValueAndGrad(xs => [forward(xs[0], xs[1], xs[2])], gradPosition, weights);
        return (a, b, c) =>
        {
            var (values, grads) = general([a, b, c]);
            return (values[0], grads);
        };
    }

    /// <summary>The three-input form with an auxiliary output (see the two-input <c>ValueAndGrad</c> with <c>hasAux</c>).</summary>
    public static Func<Tensor, Tensor, Tensor, ((Tensor Loss, Tensor Aux) Values, Tensor[] Grads)> ValueAndGrad(
        Func<Tensor, Tensor, Tensor, (Tensor Loss, Tensor Aux)> forward, int[]? gradPosition, IReadOnlyList<Parameter> weights, bool hasAux)
    {
        if (!hasAux)
            throw new ArgumentException("forward returns (loss, aux): pass hasAux true, or use the overload for a single output", nameof(hasAux));
        var general = ValueAndGrad(xs => { var (l, a) = forward(xs[0], xs[1], xs[2]); return [l, a]; }, gradPosition, weights, hasAux: true);
        return (a, b, c) =>
        {
            var (values, grads) = general([a, b, c]);
            return ((values[0], values[1]), grads);
        };
    }
}
