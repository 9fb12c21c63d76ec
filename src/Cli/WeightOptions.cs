using Trainer.Training.Checkpoints;
using Trainer.Training.IO;

namespace Trainer.Cli;

/// <summary>
/// The options that say how a weights file written elsewhere is matched to the model (--rename, --rename-file,
/// --strict), shared by eval, predict and train --resume, and the notes a load prints on stderr.
/// </summary>
public static class WeightOptions
{
    public static readonly CommandOption Rename = new("--rename", "FROM=TO",
        "rename the file's tensors starting with FROM to start with TO, e.g. 'fc1.=dense_relu_sequential.0.'; repeatable, first match wins (default none)");

    public static readonly CommandOption RenameFile = new("--rename-file", "MAP",
        "read --rename rules from MAP, one FROM=TO a line, '#' comments (default none)");

    public static readonly CommandOption Strict = new("--strict", null,
        "refuse tensors the model does not use instead of listing them on stderr and ignoring them (default off)");

    /// <summary>The three options, in help order.</summary>
    public static readonly CommandOption[] All = [Rename, RenameFile, Strict];

    /// <summary>
    /// --rename rules (each checked: a bad one is a usage error naming it, exit 2), then those of --rename-file
    /// (a bad file is a one-line error naming the file and line, exit 1), and --strict.
    /// </summary>
    public static WeightLoadOptions Read(ArgumentReader r)
    {
        var rules = new List<string>(r.Strings(Rename.Flag));
        foreach (string rule in rules)
            if (TensorNameMap.Problem(rule, out _) is { } problem) throw r.Error($"--rename {problem}");
        if (r.String(RenameFile.Flag) is { } mapPath)
            rules.AddRange(TensorNameMap.ReadFile(mapPath).Rules.Select(rule => $"{rule.From}={rule.To}"));
        TensorNameMap map;
        try
        {
            map = TensorNameMap.Parse(rules);
        }
        catch (FormatException e)
        {
            throw r.Error($"--rename {e.Message}");
        }
        return new WeightLoadOptions { Rename = map, Strict = r.Has(Strict.Flag) };
    }

    /// <summary>
    /// What a load says on <paramref name="error"/> beside the tutorial's log: the float types converted to float32
    /// (once), and the tensors the model does not use, which were ignored.
    /// </summary>
    public static void Report(WeightMatch match, TextWriter error)
    {
        var converted = match.ConvertedDtypes;
        // Names come from the file: control characters are shown escaped, never sent to the terminal.
        if (converted.Count > 0)
            error.WriteLine(PrintableText.Escape($"note: {match.File.Path}: {string.Join(", ", converted)} weights converted to float32"));
        if (match.Unused.Count > 0)
            error.WriteLine(PrintableText.Escape($"warning: {match.File.Path}: ignoring {match.Unused.Count} tensor(s) the model does not use: " +
                $"{string.Join(", ", match.Unused)} (--strict refuses them)"));
    }
}
