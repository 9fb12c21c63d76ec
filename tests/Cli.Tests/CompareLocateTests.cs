namespace Trainer.Cli.Tests;

/// <summary>`trainer compare --locate`: the "all agree" report and exit 0 on the CPU, and its usage errors.</summary>
public sealed class CompareLocateTests
{
    [Theory]
    [InlineData("eager", "eager")]
    [InlineData("unfused", "unfused graph")]
    public void OnTheCpuEveryNodeAgrees(string reference, string name)
    {
        var result = Cli.Run("compare", "--device", "cpu", "--locate", reference, "--tolerance", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        var lines = result.StdoutLines;
        Assert.StartsWith("device: cpu: ", lines[0]);
        Assert.Equal($"locate: fused graph against {name}, first training step at batch 64, node by node in launch order", lines[1]);
        Assert.Equal($"all 13 nodes agree with {name} within relative 0 (13 bit for bit)", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Theory]
    [InlineData("error: --locate must be one of eager|unfused, got 'fused' (see 'trainer compare --help')", "--locate", "fused")]
    [InlineData("error: --tolerance applies to --locate only (see 'trainer compare --help')", "--tolerance", "1e-6")]
    [InlineData("error: --tolerance must be a non-negative number, got '-1' (see 'trainer compare --help')", "--locate", "eager", "--tolerance", "-1")]
    [InlineData("error: --steps does not apply to --locate, which replays one step (see 'trainer compare --help')", "--locate", "eager", "--steps", "5")]
    public void UsageErrorsAreOneLine(string expected, params string[] args)
    {
        var result = Cli.Run(["compare", "--device", "cpu", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.SingleErrorLine());
    }

    [Fact]
    public void HelpListsLocate()
    {
        var result = Cli.Run("compare", "--help");
        Assert.Contains("--locate REF", result.Stdout);
        Assert.Contains("--tolerance X", result.Stdout);
    }
}
