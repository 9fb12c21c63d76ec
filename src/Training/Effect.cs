using Trainer.Graph.Ir;

namespace Trainer.Training;

/// <summary>
/// The result of an operation that returns nothing but changes state (an optimizer update).
/// Pass it to <see cref="Ops.Depend"/> to order a value after it, as MindSpore's ops.depend does.
/// In eager mode the change has already happened; while tracing it names the update nodes.
/// </summary>
public sealed class Effect
{
    internal Effect(IReadOnlyList<Node> nodes, Execution.IExecutor? executor = null)
    {
        Nodes = nodes;
        Executor = executor;
    }

    internal IReadOnlyList<Node> Nodes { get; }

    /// <summary>The executor (eager, or the trace) the change was made by; null for an empty combination.</summary>
    internal Execution.IExecutor? Executor { get; }

    /// <summary>One effect standing for all of <paramref name="effects"/> (what a step that updates several things depends on).</summary>
    public static Effect Combine(IEnumerable<Effect> effects)
    {
        var list = effects.ToList();
        return new(list.SelectMany(e => e.Nodes).ToList(), list.Select(e => e.Executor).FirstOrDefault(e => e is not null));
    }
}
