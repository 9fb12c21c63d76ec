namespace Trainer.Training.Execution;

/// <summary>
/// The eager tensors made while a scope is the innermost one open on its executor. Closing it
/// returns their memory to the pool and marks them freed, except those kept, which pass to the
/// enclosing scope (or, detached, to whoever asked). Scopes close in the reverse order of opening.
/// The executor's root scope is never closed; <see cref="EagerExecutor.EndStep"/> empties it.
/// </summary>
internal sealed class EagerScope
{
    private readonly List<Tensor> tensors = [];
    private List<Tensor>? kept;
    private int compactAt = 64;

    public EagerScope(EagerScope? parent) => Parent = parent;

    public EagerScope? Parent { get; }

    /// <summary>Whether the scope has ended; the root scope never does.</summary>
    public bool Closed { get; private set; }

    /// <summary>Tensors this scope still holds (freed ones are dropped from time to time).</summary>
    public int Count => tensors.Count;

    public void Add(Tensor tensor)
    {
        tensors.Add(tensor);
        // A tensor freed on its own (an eager step's previous results) leaves a dead entry behind;
        // dropping them whenever the list has doubled keeps a scope that never closes bounded.
        if (tensors.Count >= compactAt)
        {
            tensors.RemoveAll(t => t.Freed);
            compactAt = Math.Max(64, 2 * tensors.Count);
        }
    }

    /// <summary>Keeps <paramref name="tensor"/>'s storage alive past this scope's end.</summary>
    public void Keep(Tensor tensor) => (kept ??= []).Add(tensor.Storage);

    /// <summary>Frees every tensor not kept; kept ones go to the parent scope, or to <paramref name="detached"/> when given.</summary>
    public void Close(EagerMemoryPool pool, List<Tensor>? detached = null)
    {
        Closed = Parent is not null; // the root scope is emptied, never closed
        foreach (var t in tensors)
        {
            if (t.Freed) continue;
            if (kept is not null && kept.Contains(t))
            {
                if (detached is not null) detached.Add(t);
                else Parent?.Add(t);
            }
            else t.Free(pool);
        }
        tensors.Clear();
        kept = null;
    }
}
