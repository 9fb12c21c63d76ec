namespace Trainer.Training.Checkpoints;

/// <summary>
/// Maps the tensor names of a file written by another framework's module tree onto the trainer's, by prefix:
/// the rule <c>fc1.=dense_relu_sequential.0.</c> turns <c>fc1.weight</c> into <c>dense_relu_sequential.0.weight</c>.
/// Each name is rewritten by the first rule (in the order given) whose FROM it starts with, and by that rule only;
/// a name no rule matches keeps its name. TO may be empty (the rule <c>model.=</c> strips a prefix); FROM may not.
/// </summary>
/// <remarks>
/// A map file (<c>--rename-file</c>) holds one rule a line, <c>FROM=TO</c>, split at the first <c>=</c>; blank lines
/// and lines starting with <c>#</c> are skipped, and spaces around a rule are not part of it.
/// </remarks>
public sealed class TensorNameMap
{
    /// <summary>The longest FROM or TO accepted, in characters.</summary>
    public const int MaxPrefixLength = 1024;

    /// <summary>The most rules a map may hold.</summary>
    public const int MaxRules = 10_000;

    /// <summary>The largest map file read, in bytes.</summary>
    public const long MaxFileBytes = 4 << 20;

    private readonly List<(string From, string To)> rules;

    private TensorNameMap(List<(string From, string To)> rules) => this.rules = rules;

    /// <summary>The map that renames nothing.</summary>
    public static TensorNameMap Identity { get; } = new([]);

    /// <summary>The rules in the order they are tried.</summary>
    public IReadOnlyList<(string From, string To)> Rules => rules;

    /// <summary>Whether the map renames nothing.</summary>
    public bool IsIdentity => rules.Count == 0;

    /// <summary>
    /// The problem with one rule's text, or null when it is a valid <c>FROM=TO</c>: it needs an <c>=</c>, a
    /// non-empty FROM, no control characters, and prefixes of at most <see cref="MaxPrefixLength"/> characters.
    /// </summary>
    public static string? Problem(string rule, out (string From, string To) parsed)
    {
        parsed = default;
        int eq = rule.IndexOf('=');
        if (eq < 0) return $"'{Shorten(rule)}' has no '=': expected FROM=TO, e.g. 'fc1.=dense_relu_sequential.0.'";
        string from = rule[..eq], to = rule[(eq + 1)..];
        if (from.Length == 0) return $"'{Shorten(rule)}' has an empty FROM: expected FROM=TO with a prefix before the '='";
        if (from.Length > MaxPrefixLength || to.Length > MaxPrefixLength) return $"'{Shorten(rule)}' is longer than {MaxPrefixLength} characters a side";
        if (rule.Any(char.IsControl)) return $"'{Shorten(rule)}' holds a control character";
        parsed = (from, to);
        return null;
    }

    /// <summary>
    /// A map of <paramref name="rules"/>, each <c>FROM=TO</c>. Throws <see cref="FormatException"/> with a one-line
    /// message naming the rule when one is malformed or when two rules have the same FROM.
    /// </summary>
    public static TensorNameMap Parse(IEnumerable<string> rules) =>
        Build(rules.Select(r => (r, (string?)null)), (where, problem) => new FormatException(problem));

    /// <summary>
    /// Reads a map file (format in the remarks): a regular file of at most <see cref="MaxFileBytes"/> bytes of UTF-8.
    /// Problems are <see cref="CheckpointException"/>s naming the file and line: <c>map.txt: line 3: 'fc1.' has no '='...</c>.
    /// </summary>
    public static TensorNameMap ReadFile(string path)
    {
        using var stream = IO.RegularFile.TryOpenRead(path, out string problem) ?? throw new CheckpointException(path, problem);
        if (stream.Length > MaxFileBytes)
            throw new CheckpointException(path, $"is {stream.Length} bytes, more than a name map's limit of {MaxFileBytes}");
        string text;
        try
        {
            using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
            text = reader.ReadToEnd();
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new CheckpointException(path, "is not valid UTF-8 text", e);
        }
        var lines = text.ReplaceLineEndings("\n").Split('\n')
            .Select((line, i) => (Text: line.Trim(), Line: i + 1))
            .Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#'))
            .Select(l => (l.Text, (string?)$"line {l.Line}"));
        return Build(lines, (where, p) => new CheckpointException(path, $"{where}: {p}"));
    }

    /// <summary>The name <paramref name="name"/> gets: rewritten by the first rule whose FROM it starts with.</summary>
    public string Apply(string name)
    {
        foreach (var (from, to) in rules)
            if (name.StartsWith(from, StringComparison.Ordinal)) return to + name[from.Length..];
        return name;
    }

    private static TensorNameMap Build(IEnumerable<(string Text, string? Where)> items, Func<string?, string, Exception> error)
    {
        var parsed = new List<(string From, string To)>();
        var froms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (text, where) in items)
        {
            if (Problem(text, out var rule) is { } problem) throw error(where, problem);
            if (!froms.Add(rule.From)) throw error(where, $"'{Shorten(text)}': FROM '{Shorten(rule.From)}' is given twice");
            if (parsed.FirstOrDefault(r => rule.From.StartsWith(r.From, StringComparison.Ordinal)) is { From: not null } earlier)
                throw error(where, $"'{Shorten(text)}' can never apply: the earlier rule '{Shorten(earlier.From)}={Shorten(earlier.To)}' takes every name it would (put the longer FROM first)");
            if (parsed.Count == MaxRules) throw error(where, $"more than {MaxRules} rules");
            parsed.Add(rule);
        }
        return new TensorNameMap(parsed);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
