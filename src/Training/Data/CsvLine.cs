using System.Text;

namespace Trainer.Training.Data;

/// <summary>Splits one line of a CSV file into trimmed fields, honouring double-quoted fields.</summary>
internal static class CsvLine
{
    /// <summary>The fields of <paramref name="line"/>: separated by commas, each trimmed of spaces and tabs; a quoted field keeps its inner text, with <c>""</c> as a quote.</summary>
    /// <exception cref="DatasetException">A quoted field is not closed, or text follows its closing quote.</exception>
    public static string[] Split(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t') i++;
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                int open = i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new DatasetException($"{path}:{lineNumber}: the quote opened at character {open + 1} is not closed (a field cannot span lines)");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t') i++;
                if (i < line.Length && line[i] != ',')
                    throw new DatasetException($"{path}:{lineNumber}: text after the closing quote at character {i + 1}, expected a comma");
                fields.Add(field.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != ',') i++;
                fields.Add(line[start..i].Trim(' ', '\t'));
            }
            if (i >= line.Length) return [.. fields];
            i++; // the comma
        }
    }
}
