namespace Trainer.Training.Optim;

/// <summary>The optimizers <c>trainer train --optimizer</c> offers.</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD, the tutorial's.</summary>
    Sgd,
    /// <summary>SGD with momentum (MindSpore's nn.Momentum).</summary>
    Momentum,
}

/// <summary>Which optimizer a job uses, and its settings beyond the learning rate.</summary>
public sealed record OptimizerOptions
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Momentum's coefficient (ignored by SGD).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>How the log names it, as the optimizer itself does (<see cref="IOptimizer.Description"/>).</summary>
    public string Description => Kind == OptimizerKind.Momentum ? Optim.Momentum.Describe(Momentum) : "sgd";

    /// <summary>The tutorial's: plain SGD.</summary>
    public static OptimizerOptions Default { get; } = new();

    /// <summary>The optimizer for <paramref name="parameters"/> at <paramref name="learningRate"/>.</summary>
    public IOptimizer Create(IReadOnlyList<Parameter> parameters, float learningRate) => Kind switch
    {
        OptimizerKind.Momentum => new Momentum(parameters, learningRate, Momentum),
        _ => new SGD(parameters, learningRate),
    };
}
