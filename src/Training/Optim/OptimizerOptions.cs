namespace Trainer.Training.Optim;

/// <summary>The optimizers <c>trainer train --optimizer</c> offers.</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD, the tutorial's.</summary>
    Sgd,
    /// <summary>SGD with momentum (MindSpore's nn.Momentum).</summary>
    Momentum,
    /// <summary>Adam (MindSpore's nn.Adam).</summary>
    Adam,
}

/// <summary>Which optimizer a job uses, and its settings beyond the learning rate.</summary>
public sealed record OptimizerOptions
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Momentum's coefficient (ignored by SGD).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay for momentum and Adam (w·p added to each gradient; SGD takes none).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Adam's decay rates and epsilon (ignored by the others).</summary>
    public float Beta1 { get; init; } = Optim.Adam.DefaultBeta1;
    public float Beta2 { get; init; } = Optim.Adam.DefaultBeta2;
    public float Epsilon { get; init; } = Optim.Adam.DefaultEpsilon;

    /// <summary>The learning rate when none is given: the tutorial's 0.01, or Adam's own default 0.001 (MindSpore's and PyTorch's).</summary>
    public float DefaultLearningRate => Kind == OptimizerKind.Adam ? Optim.Adam.DefaultLearningRate : 0.01f;

    /// <summary>How the log names it, as the optimizer itself does (<see cref="IOptimizer.Description"/>).</summary>
    public string Description => Kind switch
    {
        OptimizerKind.Momentum => Optim.Momentum.Describe(Momentum, WeightDecay),
        OptimizerKind.Adam => Optim.Adam.Describe(Beta1, Beta2, Epsilon, WeightDecay),
        _ => "sgd",
    };

    /// <summary>The tutorial's: plain SGD.</summary>
    public static OptimizerOptions Default { get; } = new();

    /// <summary>The optimizer for <paramref name="parameters"/> at <paramref name="learningRate"/>.</summary>
    public IOptimizer Create(IReadOnlyList<Parameter> parameters, float learningRate) => Kind switch
    {
        OptimizerKind.Momentum => new Momentum(parameters, learningRate, Momentum, WeightDecay),
        OptimizerKind.Adam => new Adam(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay),
        _ => new SGD(parameters, learningRate),
    };
}
