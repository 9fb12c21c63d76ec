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
    public static Cell Create(ModelKind kind) => Create(kind, 0f);

    /// <summary>
    /// A new model of <paramref name="kind"/> with a <see cref="Dropout"/> of probability <paramref name="dropout"/> before
    /// each hidden Dense (none for 0: the same model as <see cref="Create(ModelKind)"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public static Cell Create(ModelKind kind, float dropout) => kind switch
    {
        ModelKind.LeNet => new LeNet5(MnistNetwork.DefaultClasses, 1, dropout),
        _ => new MnistNetwork(28 * 28, 512, MnistNetwork.DefaultClasses, dropout),
    };

    /// <summary>Every kind's name, as `--model` and checkpoint metadata spell it, the default (the tutorial's MLP) first.</summary>
    public static IReadOnlyList<string> Names { get; } = [Name(ModelKind.Mlp), Name(ModelKind.LeNet)];

    /// <summary>The command-line name of <paramref name="kind"/>: <c>mlp</c> or <c>lenet</c>.</summary>
    public static string Name(ModelKind kind) => kind == ModelKind.LeNet ? "lenet" : "mlp";

    /// <summary>The kind named <paramref name="name"/> (<see cref="Names"/>); false for any other name.</summary>
    public static bool TryParse(string name, out ModelKind kind)
    {
        kind = name == Name(ModelKind.LeNet) ? ModelKind.LeNet : ModelKind.Mlp;
        return Names.Contains(name);
    }
}
