using Trainer.Training.Data;

namespace Trainer.Training.Loops;

/// <summary>Graph mode: the step compiled and replayed; host batches go straight into its input buffers.</summary>
internal sealed class CompiledStep(Jit.GraphFunction function) : IStep
{
    public Jit.GraphFunction Function { get; } = function;

    public Tensor[] Call(Tensor data, Tensor label) => Function.Call(data, label);

    public Tensor[] Call(HostTensor data, HostTensor label) => Function.Call(data, label);
}
