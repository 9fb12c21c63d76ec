namespace Trainer.Cli;

/// <summary>
/// One option of a command as its help lists it: the flag, the placeholder of its value (null for a
/// switch) and a description that ends with its default.
/// </summary>
public sealed record CommandOption(string Flag, string? Value, string Description)
{
    public bool IsSwitch => Value is null;

    /// <summary>"--epochs N" or "--no-fuse": the left column of the help line.</summary>
    public string Synopsis => Value is null ? Flag : $"{Flag} {Value}";
}
