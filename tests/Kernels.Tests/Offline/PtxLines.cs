using System.Text.RegularExpressions;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>Finds PTX lines that match a pattern, comments aside, and words them for an assertion message.</summary>
internal static partial class PtxLines
{
    /// <summary>Double precision: an f64 register, instruction or conversion (<c>cvt.f64.f32</c>, <c>cvt.rn.f32.f64</c>).</summary>
    [GeneratedRegex(@"\.f64\b")]
    public static partial Regex Float64();

    /// <summary>Local memory: a <c>.local</c> declaration, <c>ld.local</c>, <c>st.local</c> or <c>cvta.local</c>.</summary>
    [GeneratedRegex(@"\.local\b")]
    public static partial Regex LocalMemory();

    public static IReadOnlyList<string> Matching(OfflineKernel kernel, Regex pattern)
    {
        var found = new List<string>();
        string[] lines = kernel.Code.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string code = lines[i];
            int comment = code.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) code = code[..comment];
            if (pattern.IsMatch(code)) found.Add($"{kernel.Kernel} on {kernel.Target}, PTX line {i + 1}: {lines[i].Trim()}");
        }
        return found;
    }

    /// <summary>The first few offending lines, one a line, and how many more there were.</summary>
    public static string Report(IReadOnlyList<string> found, int shown = 8) =>
        string.Join("\n", found.Take(shown)) + (found.Count > shown ? $"\n... and {found.Count - shown} more" : "");
}
