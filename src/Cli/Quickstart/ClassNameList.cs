using System.Text.Encodings.Web;
using System.Text.Json;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// The class names a data set gives its labels (image-folder names, CIFAR's label-name files), as checkpoints record
/// them (metadata <c>class_names</c>, a JSON array of strings, one per class in label order) and as they are checked
/// wherever they enter: one name per class, each non-empty, at most <see cref="MaxLength"/> characters and free of
/// control characters, so a name always prints on one line.
/// </summary>
internal static class ClassNameList
{
    /// <summary>The metadata key of the names.</summary>
    public const string MetadataKey = "class_names";

    /// <summary>The longest class name accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 256;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What is wrong with <paramref name="names"/> as the names of <paramref name="classes"/> classes, or null when nothing is.</summary>
    public static string? Problem(IReadOnlyList<string> names, int classes)
    {
        if (names.Count != classes)
            return $"{names.Count} names for {classes} classes, expected one name per class";
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (name.Length == 0) return $"name {i} is empty";
            if (name.Length > MaxLength) return $"name {i} has {name.Length} characters, more than {MaxLength}";
            int bad = name.AsSpan().IndexOfAnyInRange('\0', '\u001f');
            if (bad < 0) bad = name.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
            if (bad >= 0) return $"name {i} holds the control character U+{(int)name[bad]:X4}";
        }
        return null;
    }

    /// <summary>The names as the metadata stores them: a JSON array of strings.</summary>
    public static string ToMetadata(IReadOnlyList<string> names) => JsonSerializer.Serialize(names, Json);

    /// <summary>Reads <see cref="ToMetadata"/> back and checks it for <paramref name="classes"/> classes; null when the text is not a JSON array of strings or the names break a rule (<paramref name="problem"/> says which).</summary>
    public static IReadOnlyList<string>? FromMetadata(string text, int classes, out string problem)
    {
        string[]? names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(text, Json);
        }
        catch (JsonException)
        {
            names = null;
        }
        if (names is null || names.Any(n => n is null))
        {
            problem = "expected a JSON array of strings, one per class";
            return null;
        }
        problem = Problem(names, classes) ?? "";
        return problem.Length == 0 ? names : null;
    }

    /// <summary>How a prediction of class <paramref name="index"/> prints: its name when there are names, else the index.</summary>
    public static string Label(IReadOnlyList<string>? names, int index) =>
        names is null ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : names[index];
}
