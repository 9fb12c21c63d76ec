using Trainer.Training.Data;

namespace Trainer.Training.Loops;

/// <summary>A two-argument step as the loop calls it, whichever mode runs it.</summary>
public interface IStep
{
    /// <summary>Runs the step on tensors already on the device.</summary>
    Tensor[] Call(Tensor data, Tensor label);

    /// <summary>Runs the step on a host batch, moving it to the device the cheapest way the mode allows.</summary>
    Tensor[] Call(HostTensor data, HostTensor label);
}

/// <summary>Eager mode: the step is the user's function, run op by op on freshly uploaded tensors.</summary>
public sealed class EagerStep(Session session, Func<Tensor, Tensor, Tensor[]> function) : IStep
{
    public Tensor[] Call(Tensor data, Tensor label) => function(data, label);

    public Tensor[] Call(HostTensor data, HostTensor label) => function(session.ToDevice(data), session.ToDevice(label));
}

/// <summary>Graph mode: the step compiled and replayed; host batches go straight into its input buffers.</summary>
public sealed class CompiledStep(Jit.GraphFunction function) : IStep
{
    public Jit.GraphFunction Function { get; } = function;

    public Tensor[] Call(Tensor data, Tensor label) => Function.Call(data, label);

    public Tensor[] Call(HostTensor data, HostTensor label) => Function.Call(data, label);
}
