namespace Trainer.Cli;

/// <summary>
/// The one known name a mistyped one most likely meant, for "did you mean" hints: the closest name
/// by optimal-string-alignment distance (Levenshtein plus adjacent transpositions, each costing 1),
/// compared case-insensitively, at most 2 edits and at most half the typed name's length;
/// failing that, the only known name the typed one (three characters or more) is a prefix of.
/// Leading dashes are ignored when counting length, so "--ep" is two characters long.
/// </summary>
public static class Suggestion
{
    public const int MaxDistance = 2;

    /// <summary>The suggested name, or null when none is close enough or two prefix matches tie.</summary>
    public static string? For(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var names = known.ToList();
        int length = typed.TrimStart('-').Length;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in names)
        {
            int d = Distance(typed.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        if (best is not null && bestDistance <= MaxDistance && 2 * bestDistance <= length) return best;
        if (length < 3) return null;
        var prefixed = names.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>" (did you mean 'x'?)" or "" when there is no suggestion.</summary>
    public static string Hint(string typed, IEnumerable<string> known) =>
        For(typed, known) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of two adjacent characters.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
