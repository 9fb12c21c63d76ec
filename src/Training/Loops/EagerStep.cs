using Trainer.Training.Data;

namespace Trainer.Training.Loops;

/// <summary>Eager mode: the step is the user's function, run op by op on freshly uploaded tensors.</summary>
internal sealed class EagerStep(Session session, Func<Tensor, Tensor, Tensor[]> function) : IStep
{
    public Tensor[] Call(Tensor data, Tensor label) => function(data, label);

    public Tensor[] Call(HostTensor data, HostTensor label) => function(session.ToDevice(data), session.ToDevice(label));
}
