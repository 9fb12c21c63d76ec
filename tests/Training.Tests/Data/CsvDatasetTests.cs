using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class CsvDatasetTests
{
    private static string Write(TempDirectory dir, string text, string name = "table.csv") => dir.Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Features_are_every_column_but_the_label_in_file_order()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "\uFEFFa, \"sp,ecies\" ,b\r\n1.5,2,-3e-2\r\n\r\n 4 ,0,\"1E3\"\n-0.25,1,7\n");
        var data = new CsvDataset(path, "sp,ecies");
        Assert.Equal(3, data.Count);
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(["features", "label"], data.ColumnNames);
        HostTensor[][] rows = data.Rows(0).ToArray();
        Assert.Equal(DType.Float32, rows[0][0].DType);
        Assert.Equal([2], rows[0][0].Shape);
        Assert.Equal(new float[] { 1.5f, -0.03f }, rows[0][0].AsFloat());
        Assert.Equal(new float[] { 4f, 1000f }, rows[1][0].AsFloat());
        Assert.Equal(new float[] { -0.25f, 7f }, rows[2][0].AsFloat());
        Assert.Equal(new[] { 2, 0, 1 }, rows.Select(r => r[1].AsInt32()[0]));
        Assert.Equal(DType.Int32, rows[0][1].DType);
        Assert.Equal(rows[2][0].AsFloat(), data.GetRow(2, 5)[0].AsFloat());
    }

    [Fact]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_one()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "x,y\n1.5,0\n");
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // The build runs in invariant-globalization mode, so make a German-style culture by hand:
            // a comma as decimal point and a dot as group separator, which would read "1.5" as 15.
            var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            german.NumberFormat.NumberDecimalSeparator = ",";
            german.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = german;
            Assert.Equal(15.0, double.Parse("1.5", NumberStyles.Float | NumberStyles.AllowThousands)); // the culture bites when asked
            Assert.Equal(1.5f, new CsvDataset(path, "y").GetRow(0, 0)[0].AsFloat()[0]);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "x,y,label\n1,2,0\n3,abc,1\n", "{0}:3: column 'y' (2): 'abc' is not a number" },
        { "x,y,label\n1,2,0\n3,4\n", "{0}:3: 2 fields, expected 3 as in the header" },
        { "x,y,label\n1,2,0,9\n", "{0}:2: 4 fields, expected 3 as in the header" },
        { "x,y,label\n1,NaN,0\n", "{0}:2: column 'y' (2): 'NaN' is NaN, expected a finite number" },
        { "x,y,label\n-Infinity,1,0\n", "{0}:2: column 'x' (1): '-Infinity' is infinite, expected a finite number" },
        { "x,y,label\n1e39,1,0\n", "{0}:2: column 'x' (1): 1e39 is beyond float32's range (±3.4028235E+38)" },
        { "x,y,label\n1,,0\n", "{0}:2: column 'y' (2): empty cell, expected a number" },
        { "x,y,label\n1,2,1.0\n", "{0}:2: label column 'label' (3): '1.0' is not a class index, expected a whole number from 0 to 2147483647" },
        { "x,y,label\n1,2,-1\n", "{0}:2: label column 'label' (3): '-1' is not a class index, expected a whole number from 0 to 2147483647" },
        { "x,y,label\n", "{0}: a header but no data lines, expected one example per line after it" },
        { "", "{0}: empty file, expected a header line of column names and then one example per line" },
        { "\n  \n", "{0}: empty file, expected a header line of column names and then one example per line" },
        { "x,y,class\n1,2,0\n", "{0}: no label column 'label'; the header has 'x', 'y', 'class'" },
        { "label\n1\n", "{0}: the header has only the label column 'label', expected feature columns too" },
        { "x,\"y,label\n1,2,0\n", "{0}:1: the quote opened at character 3 is not closed (a field cannot span lines)" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_are_one_line_errors_naming_file_line_and_column(string text, string expected)
    {
        using var dir = new TempDirectory();
        string path = Write(dir, text);
        var e = Assert.Throws<DatasetException>(() => new CsvDataset(path, "label"));
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, expected, path), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_or_a_directory_is_named()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "none.csv");
        Assert.Equal($"{missing}: does not exist (expected a CSV file)", Assert.Throws<DatasetException>(() => new CsvDataset(missing, "label")).Message);
        Assert.Equal($"{dir.Path}: is a directory, not a file (expected a CSV file)", Assert.Throws<DatasetException>(() => new CsvDataset(dir.Path, "label")).Message);
    }
}
