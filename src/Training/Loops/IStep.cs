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
