namespace Trainer.Training.Optim;

/// <summary>An optimizer as the training step uses it: what it updates, the state it keeps, and one update.</summary>
public interface IOptimizer
{
    /// <summary>The parameters it updates, in the order <see cref="Step"/> takes their gradients.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// Its state tensors (a momentum accumulation per parameter, say), zero-initialised parameters
    /// that are not trained: a session places them on the device beside the network
    /// (<see cref="Session.Place(IOptimizer)"/>), where they persist from step to step.
    /// </summary>
    IReadOnlyList<Parameter> State { get; }

    /// <summary>Applies one update with <paramref name="grads"/> (in <see cref="Parameters"/> order), like calling a MindSpore optimizer.</summary>
    Effect Step(IReadOnlyList<Tensor> grads);

    /// <summary>How the log names it, e.g. <c>sgd</c> or <c>momentum 0.9</c>.</summary>
    string Description { get; }
}
