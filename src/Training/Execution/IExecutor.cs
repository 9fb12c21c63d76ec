using Trainer.Graph.Ir;

namespace Trainer.Training.Execution;

/// <summary>
/// Where an op goes when user code calls it: eager execution runs it now, the tracer adds a node.
/// <see cref="Ops"/> picks the executor from the op's inputs.
/// </summary>
internal interface IExecutor
{
    Tensor Apply(Op op, params Tensor[] inputs);

    /// <summary>An op with any number of outputs (a custom op returning two tensors): one tensor per output.</summary>
    Tensor[] ApplyMulti(Op op, params Tensor[] inputs);

    Effect ApplyEffect(Op op, params Tensor[] inputs);

    Tensor Depend(Tensor value, IReadOnlyList<Effect> effects);

    /// <summary>Starts recording the ops that <see cref="Gradients"/> will differentiate.</summary>
    IDisposable Record();

    Tensor[] Gradients(Tensor loss, IReadOnlyList<Tensor> wrt);
}
