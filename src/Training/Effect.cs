using Trainer.Graph.Ir;

namespace Trainer.Training;

/// <summary>
/// The result of an operation that returns nothing but changes state (an optimizer update).
/// Pass it to <see cref="Ops.Depend"/> to order a value after it, as MindSpore's ops.depend does.
/// In eager mode the change has already happened; while tracing it names the update nodes.
/// </summary>
public sealed class Effect
{
    internal Effect(IReadOnlyList<Node> nodes) => Nodes = nodes;

    internal IReadOnlyList<Node> Nodes { get; }

    public static Effect Combine(IEnumerable<Effect> effects) => new(effects.SelectMany(e => e.Nodes).ToList());
}
