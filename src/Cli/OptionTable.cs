namespace Trainer.Cli;

/// <summary>
/// A command's options in one place: the flags its <see cref="ArgumentReader"/> accepts and the
/// "options:" section of its help, one aligned line per option, so the two cannot drift apart.
/// </summary>
public sealed class OptionTable(params CommandOption[] options)
{
    /// <summary>The column descriptions start at (at least; a longer synopsis pushes it right).</summary>
    public const int DescriptionColumn = 22;

    private static readonly CommandOption Help = new("-h, --help", null, "print this help and exit");

    public IReadOnlyList<CommandOption> Options { get; } = options;

    public IReadOnlyList<string> ValueFlags => [.. Options.Where(o => !o.IsSwitch).Select(o => o.Flag)];

    public IReadOnlyList<string> Switches => [.. Options.Where(o => o.IsSwitch).Select(o => o.Flag)];

    /// <summary>Reads <paramref name="args"/> for <paramref name="command"/>, accepting exactly these options.</summary>
    public ArgumentReader Read(string command, IReadOnlyList<string> args) => new(command, args, ValueFlags, Switches);

    /// <summary>"options:" and one line per option, `  --epochs N          epochs to train (default 2)`, then -h/--help.</summary>
    public string Text
    {
        get
        {
            var all = Options.Append(Help).ToList();
            int width = Math.Max(DescriptionColumn - 2, all.Max(o => o.Synopsis.Length) + 2);
            return "options:\n" + string.Concat(all.Select(o => $"  {o.Synopsis.PadRight(width)}{o.Description}\n"));
        }
    }
}
