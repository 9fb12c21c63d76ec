using Trainer.Training;
using Trainer.Training.Optim;
using Optim = Trainer.Training.Optim;

namespace Trainer.Cli.Quickstart;

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

/// <summary>The optimizers' names, as `--optimizer` and checkpoint metadata spell them.</summary>
public static class OptimizerKinds
{
    /// <summary>Every kind's name, the default (the tutorial's SGD) first.</summary>
    public static IReadOnlyList<string> Names { get; } = [Name(OptimizerKind.Sgd), Name(OptimizerKind.Momentum), Name(OptimizerKind.Adam)];

    /// <summary>The command-line name of <paramref name="kind"/>.</summary>
    public static string Name(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Momentum => "momentum",
        OptimizerKind.Adam => "adam",
        _ => "sgd",
    };

    /// <summary>The kind named <paramref name="name"/> (<see cref="Names"/>); false for any other name.</summary>
    public static bool TryParse(string name, out OptimizerKind kind)
    {
        int index = Names.ToList().IndexOf(name);
        kind = index < 0 ? OptimizerKind.Sgd : (OptimizerKind)index;
        return index >= 0;
    }
}

/// <summary>Which optimizer a job uses, and its settings beyond the learning rate.</summary>
public sealed record OptimizerOptions
{
    /// <summary>Which optimizer.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Momentum's coefficient (ignored by SGD).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay for momentum and Adam (w·p added to each gradient; SGD takes none).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Adam's decay rates and epsilon (ignored by the others).</summary>
    public float Beta1 { get; init; } = Optim.Adam.DefaultBeta1;
    /// <summary>Adam's second-moment decay rate.</summary>
    public float Beta2 { get; init; } = Optim.Adam.DefaultBeta2;
    /// <summary>Adam's epsilon.</summary>
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
