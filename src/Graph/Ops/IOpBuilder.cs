using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops;

/// <summary>
/// How gradient rules make new values: eager mode runs each op at once, graph mode adds a node.
/// The rules are written once against this interface, so both modes differentiate alike.
/// </summary>
public interface IOpBuilder<T> where T : class
{
    /// <summary>Applies <paramref name="op"/> to <paramref name="inputs"/>: runs it (eager) or adds its node (graph).</summary>
    T Apply(Op op, params T[] inputs);
    /// <summary>The shape and element type of <paramref name="value"/>.</summary>
    TensorType TypeOf(T value);
}
