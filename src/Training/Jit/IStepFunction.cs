namespace Trainer.Training.Jit;

/// <summary>
/// A step made by <c>StepCompiler.Compile</c>: compiled
/// (<see cref="GraphFunction"/>) or run op by op (<see cref="EagerFunction"/>), called the same way.
/// Its results are valid until the next call; memory for everything else it makes is handled by the step.
/// </summary>
public interface IStepFunction : IDisposable
{
    /// <summary>The step's name, used in messages.</summary>
    string Name { get; }

    /// <summary>Runs the step on device tensors, one per input in order.</summary>
    Tensor[] Call(params ReadOnlySpan<Tensor> inputs);

    /// <summary>Runs the step on host data, one tensor per input in order.</summary>
    Tensor[] Call(params ReadOnlySpan<Data.HostTensor> inputs);
}
