using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops;

/// <summary>
/// How gradient rules make new values: eager mode runs each op at once, graph mode adds a node.
/// The rules are written once against this interface, so both modes differentiate alike.
/// </summary>
public interface IOpBuilder<T> where T : class
{
    T Apply(Op op, params T[] inputs);
    TensorType TypeOf(T value);
}
