using Trainer.Training.Execution;

namespace Trainer.Training;

/// <summary>
/// Eager memory by scope: every eager tensor made while the scope is open (by ops, by
/// <see cref="Session.Tensor(float[], Shape)"/>, by <see cref="Session.ToDevice"/>) goes back to the
/// session's memory pool when it is disposed, unless it was kept with <see cref="Keep"/>. Use it as
/// <c>using (session.Scope()) { ... }</c> around an eager step. A freed tensor used again throws an
/// <see cref="InvalidOperationException"/> saying so; it never reads memory that was handed out again.
/// Scopes nest and must be disposed in the reverse order of opening. Tensors of a traced (graph-mode)
/// step, parameters, buffers and a compiled step's results are not affected.
/// </summary>
public sealed class TensorScope : IDisposable
{
    private readonly EagerExecutor executor;
    private readonly EagerScope scope;

    internal TensorScope(EagerExecutor executor)
    {
        this.executor = executor;
        scope = executor.OpenScope();
    }

    /// <summary>
    /// Keeps <paramref name="tensor"/> (and the memory it views) alive after this scope ends: it then
    /// belongs to the enclosing scope, or to the session's step (<see cref="Session.EndStep"/>) when
    /// there is none. Returns the tensor, so <c>return scope.Keep(result);</c> reads naturally.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scope has already ended.</exception>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (scope.Closed) throw new InvalidOperationException("Keep was called on a scope that has already ended");
        if (tensor.Eager is not null && !tensor.IsTraced) scope.Keep(tensor);
        return tensor;
    }

    /// <summary>Frees every tensor made inside the scope that was not kept.</summary>
    /// <exception cref="InvalidOperationException">A scope opened inside this one is still open.</exception>
    public void Dispose() => executor.CloseScope(scope);
}
