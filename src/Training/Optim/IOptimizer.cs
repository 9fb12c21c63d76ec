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

    /// <summary>
    /// The learning rate the next <see cref="Step"/> applies. Setting it (a schedule does, once per
    /// step) takes effect at the next step, eager or compiled, without recompiling: it is a device
    /// value in <see cref="Hyperparameters"/>, not a constant of the graph. A finite number at least 0.
    /// </summary>
    float LearningRate { get; set; }

    /// <summary>The hyperparameters the update kernels read from device memory (the learning rate first).</summary>
    HyperparameterBlock Hyperparameters { get; }

    /// <summary>Applies one update with <paramref name="grads"/> (in <see cref="Parameters"/> order), like calling a MindSpore optimizer.</summary>
    Effect Step(IReadOnlyList<Tensor> grads);

    /// <summary>How the log names it, e.g. <c>sgd</c> or <c>momentum 0.9</c>.</summary>
    string Description { get; }
}
