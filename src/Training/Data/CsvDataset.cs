using System.Globalization;

namespace Trainer.Training.Data;

/// <summary>
/// Source data set for tabular data in a CSV file: a header line of column names, then one example per line with
/// numeric features and an integer class label in the column named <see cref="LabelColumn"/>. Each row has two
/// columns: <c>"features"</c>, float32 <c>[F]</c> (every column but the label, in file order), and <c>"label"</c>,
/// int32 <c>[]</c>.
/// </summary>
/// <remarks>
/// <para>Fields are separated by commas; a field may be wrapped in double quotes (a doubled quote inside is one
/// quote), and spaces around a field are ignored. Numbers are read in the invariant culture (a dot as decimal
/// point, an optional exponent) and must be finite in float32: NaN, infinities, empty cells and values beyond
/// float32's range are errors. Labels are whole numbers from 0 to <see cref="int.MaxValue"/>. Blank lines are
/// skipped. A UTF-8 byte-order mark is ignored.</para>
/// <para>The file is read and checked completely by the constructor (tabular data is small); every error is
/// one line naming the file, the 1-based line number and the column.</para>
/// </remarks>
public sealed class CsvDataset : MappableDataset
{
    /// <summary>The largest CSV file read, 2 GiB.</summary>
    public const long MaxFileBytes = 2L * 1024 * 1024 * 1024;

    private static readonly string[] Columns = ["features", "label"];

    private readonly float[] features;
    private readonly int[] labels;

    /// <summary>Reads <paramref name="path"/>, taking the class label from the column named <paramref name="labelColumn"/>.</summary>
    /// <exception cref="DatasetException">The file is missing, unreadable, empty or has no data lines; the label column does not exist
    /// (the columns found are listed); a line has a different number of fields from the header; a cell is not a finite float32 number
    /// or the label is not a non-negative whole number.</exception>
    public CsvDataset(string path, string labelColumn)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(labelColumn);
        Path = System.IO.Path.GetFullPath(path);
        LabelColumn = labelColumn;
        using FileStream stream = IO.RegularFile.TryOpenRead(Path, out string problem)
            ?? throw new DatasetException($"{Path}: {problem} (expected a CSV file)");
        if (stream.Length > MaxFileBytes)
            throw new DatasetException($"{Path}: {stream.Length} bytes, more than the {MaxFileBytes} a CSV file may have");
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);

        int lineNumber = 0;
        string? header = NextLine(reader, ref lineNumber);
        if (header is null)
            throw new DatasetException($"{Path}: empty file, expected a header line of column names and then one example per line");
        string[] names = CsvLine.Split(header, Path, lineNumber);
        int labelIndex = Array.IndexOf(names, labelColumn);
        if (labelIndex < 0)
            throw new DatasetException($"{Path}: no label column '{labelColumn}'; the header has {string.Join(", ", names.Select(n => $"'{n}'"))}");
        if (names.Length < 2)
            throw new DatasetException($"{Path}: the header has only the label column '{labelColumn}', expected feature columns too");
        FeatureNames = names.Where((_, i) => i != labelIndex).ToArray();

        var featureValues = new List<float>();
        var labelValues = new List<int>();
        while (NextLine(reader, ref lineNumber) is { } line)
        {
            string[] cells = CsvLine.Split(line, Path, lineNumber);
            if (cells.Length != names.Length)
                throw new DatasetException($"{Path}:{lineNumber}: {cells.Length} fields, expected {names.Length} as in the header");
            for (int c = 0; c < cells.Length; c++)
            {
                if (c == labelIndex)
                    labelValues.Add(ParseLabel(cells[c], lineNumber, names[c], c));
                else
                    featureValues.Add(ParseFeature(cells[c], lineNumber, names[c], c));
            }
        }
        if (labelValues.Count == 0)
            throw new DatasetException($"{Path}: a header but no data lines, expected one example per line after it");
        features = [.. featureValues];
        labels = [.. labelValues];
        Count = labels.Length;
        ClassCount = labels.Max() + 1;
    }

    /// <summary>The full path of the file read.</summary>
    public string Path { get; }

    /// <summary>The name of the label column.</summary>
    public string LabelColumn { get; }

    /// <summary>Names of the feature columns, in the order <c>"features"</c> holds them.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of features per example.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Number of examples (data lines).</summary>
    public override int Count { get; }

    /// <summary>One more than the largest label: the class count a model needs.</summary>
    public int ClassCount { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Columns;

    /// <summary>Example <paramref name="index"/> in file order; the epoch does not affect it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    public override HostTensor[] GetRow(int index, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int f = FeatureCount;
        return [new HostTensor([f], features.AsSpan(index * f, f).ToArray()), new HostTensor([], [labels[index]])];
    }

    private static string? NextLine(StreamReader reader, ref int lineNumber)
    {
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line)) return line;
        }
        return null;
    }

    private float ParseFeature(string cell, int line, string name, int column)
    {
        string where = $"{Path}:{line}: column '{name}' ({column + 1})";
        if (cell.Length == 0) throw new DatasetException($"{where}: empty cell, expected a number");
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DatasetException($"{where}: '{PrintableCell(cell)}' is not a number");
        if (double.IsNaN(value)) throw new DatasetException($"{where}: '{PrintableCell(cell)}' is NaN, expected a finite number");
        if (double.IsInfinity(value)) throw new DatasetException($"{where}: '{PrintableCell(cell)}' is infinite, expected a finite number");
        float single = (float)value;
        if (float.IsInfinity(single)) throw new DatasetException($"{where}: {PrintableCell(cell)} is beyond float32's range (±{float.MaxValue:R})");
        return single;
    }

    private int ParseLabel(string cell, int line, string name, int column)
    {
        string where = $"{Path}:{line}: label column '{name}' ({column + 1})";
        if (!int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out int label))
            throw new DatasetException($"{where}: '{PrintableCell(cell)}' is not a class index, expected a whole number from 0 to {int.MaxValue}");
        return label;
    }

    /// <summary>The cell as a message shows it: at most 40 characters, control characters escaped.</summary>
    private static string PrintableCell(string cell)
    {
        string shown = cell.Length > 40 ? cell[..40] + "..." : cell;
        return string.Concat(shown.Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
    }
}
