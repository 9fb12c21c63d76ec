using System.Reflection;

namespace Trainer.Cli.Commands;

/// <summary>`trainer version` and `trainer --version`: the assembly's informational version (Cli.csproj's Version, plus the commit when the build knows it).</summary>
public static class VersionCommand
{
    public static readonly OptionTable Options = new();

    public static readonly string Usage =
        "usage: trainer version\n" +
        "  Prints 'trainer' and its version (also 'trainer --version').\n" +
        Options.Text.TrimEnd('\n');

    /// <summary>"trainer 0.9.0+abc123": what the command prints.</summary>
    public static string Text => "trainer " + Number;

    /// <summary>"0.9.0+abc123": the version alone, as exported ONNX models name their producer's.</summary>
    public static string Number =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        _ = Options.Read("version", args);
        output.WriteLine(Text);
        return 0;
    }
}
