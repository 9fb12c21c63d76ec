using Trainer.Cli.Commands;

namespace Trainer.Cli.Tests;

/// <summary>Command lines the user got wrong: exactly one stderr line, nothing on stdout, exit code 2.</summary>
public class UsageTests
{
    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["train", "--bogus"], "error: unknown option '--bogus' (see 'trainer train --help')" },
        { ["train", "--batch-size", "0"], "error: --batch-size must be a positive integer, got '0' (see 'trainer train --help')" },
        { ["train", "--batch-size=-5"], "error: --batch-size must be a positive integer, got '-5' (see 'trainer train --help')" },
        { ["train", "--lr", "-1"], "error: --lr must be a positive number, got '-1' (see 'trainer train --help')" },
        { ["train", "--lr", "0"], "error: --lr must be a positive number, got '0' (see 'trainer train --help')" },
        { ["train", "--lr", "NaN"], "error: --lr must be a positive number, got 'NaN' (see 'trainer train --help')" },
        { ["train", "--lr", "Infinity"], "error: --lr must be a positive number, got 'Infinity' (see 'trainer train --help')" },
        { ["train", "--epochs", "x"], "error: --epochs must be a positive integer, got 'x' (see 'trainer train --help')" },
        { ["train", "--epochs", "99999999999"], "error: --epochs must be a positive integer, got '99999999999' (see 'trainer train --help')" },
        { ["train", "--seed", "-1"], "error: --seed must be a non-negative integer, got '-1' (see 'trainer train --help')" },
        { ["train", "--device", "tpu"], "error: --device must be one of auto|cuda|opencl|cpu|ilgpu-cpu, got 'tpu' (see 'trainer train --help')" },
        { ["train", "--mode", "fast"], "error: --mode must be eager or graph, got 'fast' (see 'trainer train --help')" },
        { ["train", "--epochs"], "error: --epochs needs a value (see 'trainer train --help')" },
        { ["train", "--epochs", "--seed", "1"], "error: --epochs needs a value (see 'trainer train --help')" },
        { ["train", "extra"], "error: unexpected argument 'extra' (see 'trainer train --help')" },
        { ["train", "--optimizer", "adagrad"], "error: --optimizer must be one of sgd|momentum|adam, got 'adagrad' (see 'trainer train --help')" },
        { ["train", "--momentum", "0.5"], "error: --momentum applies to --optimizer momentum, not --optimizer sgd (see 'trainer train --help')" },
        { ["train", "--optimizer", "momentum", "--momentum", "1"], "error: --momentum must be a number at least 0 and below 1, got '1' (see 'trainer train --help')" },
        { ["train", "--optimizer", "momentum", "--momentum", "-0.1"], "error: --momentum must be a number at least 0 and below 1, got '-0.1' (see 'trainer train --help')" },
        { ["train", "--optimizer", "momentum", "--momentum", "NaN"], "error: --momentum must be a number at least 0 and below 1, got 'NaN' (see 'trainer train --help')" },
        { ["train", "--optimizer", "adam", "--momentum", "0.9"], "error: --momentum applies to --optimizer momentum, not --optimizer adam (see 'trainer train --help')" },
        { ["train", "--weight-decay", "0.1"], "error: --weight-decay applies to --optimizer momentum or adam, not --optimizer sgd (see 'trainer train --help')" },
        { ["train", "--optimizer", "adam", "--weight-decay", "-1"], "error: --weight-decay must be a non-negative number, got '-1' (see 'trainer train --help')" },
        { ["train", "--optimizer", "momentum", "--weight-decay", "Infinity"], "error: --weight-decay must be a non-negative number, got 'Infinity' (see 'trainer train --help')" },
        { ["train", "--model", "resnet"], "error: --model must be one of mlp|lenet, got 'resnet' (see 'trainer train --help')" },
        { ["compare", "--optimizer", "adamw"], "error: --optimizer must be one of sgd|momentum|adam, got 'adamw' (see 'trainer compare --help')" },
        { ["graph", "--stage", "nope"], "error: --stage must be one of traced|optimized|scheduled, got 'nope' (see 'trainer graph --help')" },
        { ["graph", "--format", "svg"], "error: --format must be one of text|dot, got 'svg' (see 'trainer graph --help')" },
        { ["graph", "--step", "test"], "error: --step must be one of train|eval, got 'test' (see 'trainer graph --help')" },
        { ["graph", "--batch-size", "0"], "error: --batch-size must be a positive integer, got '0' (see 'trainer graph --help')" },
        { ["graph", "--format", "dot", "--stage", "scheduled"], "error: --format dot shows the graph; use --stage traced or optimized with it (see 'trainer graph --help')" },
        { ["graph", "--out"], "error: --out needs a value (see 'trainer graph --help')" },
        { ["devices", "--all"], "error: unknown option '--all' (see 'trainer devices --help')" },
        { ["devices", "extra"], "error: unexpected argument 'extra' (see 'trainer devices --help')" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public void Bad_command_line_prints_one_exact_line_and_exits_2(string[] args, string expected)
    {
        var result = Cli.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(expected, result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    /// <summary>The command names Program.Usage lists, in order: the list the unknown-command error must repeat.</summary>
    private static IReadOnlyList<string> DocumentedCommands()
    {
        var lines = CliResult.Lines(Program.Usage);
        int start = Array.IndexOf(lines, "commands:");
        Assert.True(start > 0, Program.Usage);
        return lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).ToList();
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--bogus")]
    [InlineData("Train")]
    public void Unknown_command_exits_2_listing_the_documented_commands(string name)
    {
        var commands = DocumentedCommands();
        Assert.Contains("train", commands);
        Assert.Contains("graph", commands);
        Assert.Contains("devices", commands);

        var result = Cli.Run(name, "--epochs", "1");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"error: unknown command '{name}' (commands: {string.Join(", ", commands)})", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void No_arguments_prints_usage_to_stderr_and_exits_2()
    {
        var result = Cli.Run();
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(Program.Usage + "\n", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("usage: trainer <command> [options]", result.Stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_prints_usage_to_stdout_and_exits_0(string flag)
    {
        var result = Cli.Run(flag);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Program.Usage + "\n", result.Stdout);
        Assert.Equal("", result.Stderr);
        foreach (var command in new[] { "train", "graph", "devices" })
            Assert.Contains($"  {command} ", result.Stdout);
    }

    [Theory]
    [InlineData("train", "--help")]
    [InlineData("train", "-h")]
    [InlineData("train", "--epochs", "3", "--help")]
    [InlineData("train", "--bogus", "--help")]
    public void Train_help_prints_train_usage_to_stdout_and_exits_0(params string[] args)
    {
        var result = Cli.Run(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TrainCommand.Usage + "\n", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith("usage: trainer train [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--mode graph|eager]", result.Stdout);
    }

    [Fact]
    public void Graph_and_devices_help_print_their_usage()
    {
        var graph = Cli.Run("graph", "--help");
        Assert.Equal(0, graph.ExitCode);
        Assert.Equal(GraphCommand.Usage + "\n", graph.Stdout);
        Assert.StartsWith("usage: trainer graph [--stage traced|optimized|scheduled]", graph.Stdout);

        var devices = Cli.Run("devices", "-h");
        Assert.Equal(0, devices.ExitCode);
        Assert.Equal(DevicesCommand.Usage + "\n", devices.Stdout);
        Assert.Equal("", graph.Stderr + devices.Stderr);
    }
}
