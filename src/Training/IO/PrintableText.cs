using System.Globalization;
using System.Text;

namespace Trainer.Training.IO;

/// <summary>
/// Makes text that came from a file (a tensor name, a metadata value, a class name) safe to print on a terminal:
/// control characters, which could move the cursor, recolour or clear the screen, retitle the window or split a
/// one-line error, are written as visible escapes instead.
/// </summary>
public static class PrintableText
{
    /// <summary>
    /// <paramref name="text"/> with every C0 control (U+0000-U+001F), DEL (U+007F) and C1 control (U+0080-U+009F)
    /// written as <c>\xHH</c>, and the Unicode direction overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
    /// reorder what follows them on screen, as <c>\uHHHH</c>. Everything else, non-ASCII letters included, is kept.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c)) escaped.Append(c);
            else if (c <= 0xFF) escaped.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
