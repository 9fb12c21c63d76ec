using Trainer.Training.Execution;

namespace Trainer.Training.Jit;

/// <summary>
/// A step run op by op (MindSpore's PyNative mode) with the lifetime rules of a compiled one: every
/// tensor the step makes is freed when it returns, except its results, which are freed at the next
/// call. An eager loop over it needs no <see cref="Session.EndStep"/> and no scope, and its memory
/// pool stays bounded. Host arguments are uploaded for the call and freed with it.
/// </summary>
public sealed class EagerFunction : IStepFunction
{
    private readonly Session session;
    private readonly Func<Tensor[], Tensor[]> function;
    private readonly int inputCount;
    private readonly List<Tensor> results = [];

    /// <summary>A step over <paramref name="inputCount"/> inputs running <paramref name="function"/> eagerly on <paramref name="session"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input count is below 1.</exception>
    public EagerFunction(Session session, string name, Func<Tensor[], Tensor[]> function, int inputCount)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputCount, 1);
        this.session = session;
        this.function = function;
        this.inputCount = inputCount;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The number of tensors differs from the number of inputs.</exception>
    public Tensor[] Call(params ReadOnlySpan<Tensor> inputs)
    {
        CheckArity(inputs.Length);
        var arguments = inputs.ToArray();
        return Run(() => arguments);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The number of tensors differs from the number of inputs.</exception>
    public Tensor[] Call(params ReadOnlySpan<Data.HostTensor> inputs)
    {
        CheckArity(inputs.Length);
        var hosts = inputs.ToArray();
        return Run(() => Array.ConvertAll(hosts, session.ToDevice));
    }

    private Tensor[] Run(Func<Tensor[]> arguments)
    {
        var eager = session.Eager;
        eager.Free(results);
        results.Clear();
        var scope = eager.OpenScope();
        Tensor[] outputs;
        try
        {
            outputs = function(arguments());
            foreach (var t in outputs)
                if (!t.IsTraced && t.Eager is not null) scope.Keep(t);
        }
        finally
        {
            eager.CloseScope(scope, results);
        }
        return outputs;
    }

    private void CheckArity(int count)
    {
        if (count != inputCount) throw new ArgumentException($"{Name} takes {inputCount} input{(inputCount == 1 ? "" : "s")}, {count} were given");
    }

    /// <summary>Frees the last call's results.</summary>
    public void Dispose()
    {
        session.Eager.Free(results);
        results.Clear();
    }
}
