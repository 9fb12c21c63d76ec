namespace Trainer.Cli.Tests;

/// <summary>`trainer summary`: the cell tree as MindSpore prints it, then the layer table; no device, no data.</summary>
public sealed class SummaryCommandTests
{
    [Fact]
    public void Lenet_prints_the_zoo_tree_then_one_row_per_layer_call()
    {
        var result = Cli.Run("summary", "--model", "lenet");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        var lines = result.StdoutLines;
        Assert.Equal("LeNet5<", lines[0]);
        Assert.StartsWith("  (conv1): Conv2d<input_channels=1, output_channels=6, kernel_size=(5, 5), stride=(1, 1), pad_mode=pad, padding=2,", lines[1]);
        Assert.Equal("  (max_pool2d): MaxPool2d<kernel_size=2, stride=2, pad_mode=VALID>", lines[4]);
        Assert.Equal("  (fc3): Dense<input_channels=84, output_channels=10, has_bias=True>", lines[8]);
        Assert.Equal("  >", lines[9]);
        int header = Array.FindIndex(lines, l => l.StartsWith("Layer (type)", StringComparison.Ordinal));
        Assert.True(header > 9, result.Stdout);
        Assert.Equal(12, lines.Skip(header + 3).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Count());
        Assert.Contains(lines, l => l.StartsWith("Total params: 61,706 ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_batch_scales_the_shapes_and_flops()
    {
        var one = Cli.Run("summary");
        var seven = Cli.Run("summary", "--batch-size", "7");
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(0, seven.ExitCode);
        Assert.Contains("(dense_relu_sequential): SequentialCell<", one.Stdout, StringComparison.Ordinal);
        static long Flops(CliResult r) => long.Parse(r.StdoutLines.Single(l => l.StartsWith("Forward FLOPs: ", StringComparison.Ordinal)).Split(' ')[2].Replace(",", "", StringComparison.Ordinal),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(7 * Flops(one), Flops(seven));
        Assert.Contains("[7, 784]", seven.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "error: --batch-size must be a positive integer, got '0' (see 'trainer summary --help')")]
    [InlineData("65537", "error: --batch-size 65537 is more than 65536, the largest batch a summary traces (see 'trainer summary --help')")]
    public void A_bad_batch_is_one_line_and_exit_2(string batch, string expected)
    {
        var result = Cli.Run("summary", "--batch-size", batch);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.SingleErrorLine());
    }
}
