using System.Runtime.CompilerServices;

namespace Trainer.Graph.Tests.TestSupport;

/// <summary>
/// Compares text with a golden file under tests/Graph.Tests/Golden (copied next to the test
/// assembly by the csproj). Line endings are normalised to \n on both sides.
///
/// To regenerate after an intended change, run the tests with UPDATE_GOLDEN=1:
///   UPDATE_GOLDEN=1 dotnet test tests/Graph.Tests -c Release
/// which rewrites the files in the source tree (not the copies in bin/) instead of comparing;
/// then review the diff of Golden/ by hand before committing it.
/// </summary>
internal static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public static void Check(string fileName, string actual, [CallerFilePath] string callerPath = "")
    {
        actual = Normalize(actual);
        if (Updating)
        {
            var dir = Path.Combine(SourceDirectory(callerPath), "Golden");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, fileName), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Golden", fileName);
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests once with UPDATE_GOLDEN=1 to create it");
        var expected = Normalize(File.ReadAllText(path));
        if (expected == actual) return;

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line]) line++;
        Assert.Fail($"{fileName} differs from the golden file at line {line + 1}:\n" +
                    $"  expected: {(line < e.Length ? e[line] : "<end of file>")}\n" +
                    $"  actual:   {(line < a.Length ? a[line] : "<end of file>")}\n" +
                    $"(rerun with UPDATE_GOLDEN=1 if the change is intended)\n--- actual ---\n{actual}");
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>The test project directory: walk up from the calling source file to the folder holding the csproj.</summary>
    private static string SourceDirectory(string callerPath)
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(callerPath)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Graph.Tests.csproj"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"cannot find Graph.Tests.csproj above {callerPath}");
    }
}
