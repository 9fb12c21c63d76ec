using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>The models <c>trainer train --model</c> offers.</summary>
public enum ModelKind
{
    /// <summary>The quick-start MLP (<see cref="MnistNetwork"/>).</summary>
    Mlp,
    /// <summary>LeNet-5 (<see cref="LeNet5"/>).</summary>
    LeNet,
}

/// <summary>Building a model by kind, and its command-line name.</summary>
public static class ModelKinds
{
    /// <summary>A new model of <paramref name="kind"/>, initialised from <see cref="GlobalSeed"/>; every kind is an <see cref="IClassifier"/>.</summary>
    public static Cell Create(ModelKind kind) => kind switch
    {
        ModelKind.LeNet => new LeNet5(),
        _ => new MnistNetwork(),
    };

    public static string Name(ModelKind kind) => kind == ModelKind.LeNet ? "lenet" : "mlp";
}
