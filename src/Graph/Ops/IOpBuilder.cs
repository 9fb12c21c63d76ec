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
    /// <summary>
    /// Applies an op with several outputs (a fused gradient's dx, dgamma and dbeta) and returns them in order. A builder that
    /// cannot represent several outputs keeps this default, which throws <see cref="NotSupportedException"/> naming the op.
    /// </summary>
    T[] ApplyMulti(Op op, params T[] inputs) =>
        throw new NotSupportedException($"{op} has several outputs, and this gradient builder ({GetType().Name}) applies single-output ops only");
    /// <summary>The shape and element type of <paramref name="value"/>.</summary>
    TensorType TypeOf(T value);
}
