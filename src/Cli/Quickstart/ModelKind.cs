using Trainer.Training;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Cli.Quickstart;

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
    public static Cell Create(ModelKind kind) => Create(kind, ModelInput.Mnist, 0f);

    /// <summary>
    /// A new model of <paramref name="kind"/> with a <see cref="Dropout"/> of probability <paramref name="dropout"/> before
    /// each hidden Dense (none for 0: the same model as <see cref="Create(ModelKind)"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public static Cell Create(ModelKind kind, float dropout) => Create(kind, ModelInput.Mnist, dropout);

    /// <summary>A new model of <paramref name="kind"/> sized for <paramref name="input"/> (channels, height, width, classes from the data set); <see cref="ModelInput.Mnist"/> gives <see cref="Create(ModelKind)"/>'s model.</summary>
    /// <exception cref="ArgumentException">The model cannot take that input (<see cref="Unfit"/> says why).</exception>
    public static Cell Create(ModelKind kind, ModelInput input) => Create(kind, input, 0f);

    /// <summary>
    /// A new model of <paramref name="kind"/> sized for <paramref name="input"/>, with a <see cref="Dropout"/> of probability
    /// <paramref name="dropout"/> before each hidden Dense (none for 0).
    /// </summary>
    /// <exception cref="ArgumentException">The model cannot take that input (<see cref="Unfit"/> says why).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is not in [0, 1).</exception>
    public static Cell Create(ModelKind kind, ModelInput input, float dropout)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Unfit(kind, input) is { } why) throw new ArgumentException(why, nameof(input));
        if (kind == ModelKind.ResNet8 && dropout > 0f)
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "--dropout applies to mlp and lenet (a Dropout before each hidden Dense); resnet8 has no hidden Dense");
        return kind switch
        {
            ModelKind.LeNet => new LeNet5(input.Classes, input.Channels, input.Height, input.Width, dropout),
            ModelKind.ResNet8 => new ResNet8(input.Channels, input.Classes),
            _ => new MnistNetwork(input.Features, 512, input.Classes, dropout),
        };
    }

    /// <summary>Why a model of <paramref name="kind"/> cannot take <paramref name="input"/>, in words; null when it can.</summary>
    public static string? Unfit(ModelKind kind, ModelInput input) => kind switch
    {
        ModelKind.LeNet when input.IsTabular => $"--model lenet takes images, and the data holds {input}; use --model mlp for tables",
        ModelKind.LeNet when input.Height < LeNet5.MinImageSize || input.Width < LeNet5.MinImageSize =>
            $"--model lenet takes images of at least {LeNet5.MinImageSize}x{LeNet5.MinImageSize}, and the data holds {input}",
        ModelKind.ResNet8 when input.IsTabular => $"--model resnet8 takes images, and the data holds {input}; use --model mlp for tables",
        _ => null,
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
