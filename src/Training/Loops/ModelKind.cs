using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>The models <c>trainer train --model</c> offers.</summary>
public enum ModelKind
{
    /// <summary>The quick-start MLP (<see cref="MnistNetwork"/>).</summary>
    Mlp,
    /// <summary>LeNet-5 (<see cref="LeNet5"/>).</summary>
    LeNet,
    /// <summary>ResNet-8 (<see cref="ResNet8"/>).</summary>
    ResNet8,
}

/// <summary>Building a model by kind, and its command-line name.</summary>
public static class ModelKinds
{
    /// <summary>A new model of <paramref name="kind"/>, initialised from <see cref="GlobalSeed"/>; every kind is an <see cref="IClassifier"/>.</summary>
    public static Cell Create(ModelKind kind) => kind switch
    {
        ModelKind.LeNet => new LeNet5(),
        ModelKind.ResNet8 => new ResNet8(),
        _ => new MnistNetwork(),
    };

    /// <summary>Every kind's name, as `--model` and checkpoint metadata spell it, the default (the tutorial's MLP) first.</summary>
    public static IReadOnlyList<string> Names { get; } = [Name(ModelKind.Mlp), Name(ModelKind.LeNet), Name(ModelKind.ResNet8)];

    /// <summary>The command-line name of <paramref name="kind"/>: <c>mlp</c>, <c>lenet</c> or <c>resnet8</c>.</summary>
    public static string Name(ModelKind kind) => kind switch { ModelKind.LeNet => "lenet", ModelKind.ResNet8 => "resnet8", _ => "mlp" };

    /// <summary>The kind named <paramref name="name"/> (<see cref="Names"/>); false for any other name.</summary>
    public static bool TryParse(string name, out ModelKind kind)
    {
        kind = name == Name(ModelKind.LeNet) ? ModelKind.LeNet : name == Name(ModelKind.ResNet8) ? ModelKind.ResNet8 : ModelKind.Mlp;
        return Names.Contains(name);
    }
}
