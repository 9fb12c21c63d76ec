using Trainer.Cli.Commands;

namespace Trainer.Cli.Tests;

/// <summary>Command lines the user got wrong: exactly one stderr line, nothing on stdout, exit code 2.</summary>
public class UsageTests
{
    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["train", "--bogus"], "error: unknown option '--bogus' (see 'trainer train --help')" },
        { ["train", "--epoch", "3"], "error: unknown option '--epoch' (did you mean '--epochs'?) (see 'trainer train --help')" },
        { ["train", "--optimiser=adam"], "error: unknown option '--optimiser' (did you mean '--optimizer'?) (see 'trainer train --help')" },
        { ["compare", "--step", "5"], "error: unknown option '--step' (did you mean '--steps'?) (see 'trainer compare --help')" },
        { ["compare", "--batch", "5"], "error: unknown option '--batch' (did you mean '--batch-size'?) (see 'trainer compare --help')" },
        { ["graph", "--no-fsue"], "error: unknown option '--no-fsue' (did you mean '--no-fuse'?) (see 'trainer graph --help')" },
        { ["help", "nosuch"], "error: unknown command 'nosuch' (commands: train, compare, graph, summary, devices, selftest, eval, predict, export, plot, help, version)" },
        { ["help", "trian"], "error: unknown command 'trian' (did you mean 'train'?) (commands: train, compare, graph, summary, devices, selftest, eval, predict, export, plot, help, version)" },
        { ["help", "train", "extra"], "error: unexpected argument 'extra' (see 'trainer help --help')" },
        { ["version", "extra"], "error: unexpected argument 'extra' (see 'trainer version --help')" },
        { ["--version", "--short"], "error: unknown option '--short' (see 'trainer version --help')" },
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
        { ["train", "--model", "resnet"], "error: --model must be one of mlp|lenet|resnet8, got 'resnet' (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "linear"], "error: --lr-schedule must be one of constant|step|exponential|cosine, got 'linear' (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "exponential"], "error: --lr-schedule exponential needs --lr-gamma G, the factor per step (for example 0.999) (see 'trainer train --help')" },
        { ["train", "--lr-gamma", "0.5"], "error: --lr-gamma applies to --lr-schedule step or exponential, not --lr-schedule constant (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "step", "--lr-gamma", "1.5"], "error: --lr-gamma must be above 0 and at most 1, got '1.5' (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "step", "--lr-gamma", "0"], "error: --lr-gamma must be a positive number, got '0' (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "cosine", "--lr-step-size", "10"], "error: --lr-step-size applies to --lr-schedule step, not --lr-schedule cosine (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "step", "--lr-step-size", "0"], "error: --lr-step-size must be a positive integer, got '0' (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "step", "--lr-min", "0.001"], "error: --lr-min applies to --lr-schedule cosine, not --lr-schedule step (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "cosine", "--lr-min", "0.5"], "error: --lr-min 0.5 is above the initial rate --lr 0.01 (see 'trainer train --help')" },
        { ["train", "--lr-schedule", "cosine", "--lr-min", "NaN"], "error: --lr-min must be a number at least 0, got 'NaN' (see 'trainer train --help')" },
        { ["train", "--warmup-steps", "-1"], "error: --warmup-steps must be a non-negative integer, got '-1' (see 'trainer train --help')" },
        { ["compare", "--optimizer", "adamw"], "error: --optimizer must be one of sgd|momentum|adam, got 'adamw' (see 'trainer compare --help')" },
        { ["graph", "--stage", "nope"], "error: --stage must be one of traced|optimized|scheduled, got 'nope' (see 'trainer graph --help')" },
        { ["graph", "--format", "svg"], "error: --format must be one of text|dot, got 'svg' (see 'trainer graph --help')" },
        { ["graph", "--step", "test"], "error: --step must be one of train|eval, got 'test' (see 'trainer graph --help')" },
        { ["graph", "--batch-size", "0"], "error: --batch-size must be a positive integer, got '0' (see 'trainer graph --help')" },
        { ["graph", "--format", "dot", "--stage", "scheduled"], "error: --format dot shows the graph; use --stage traced or optimized with it (see 'trainer graph --help')" },
        { ["graph", "--out"], "error: --out needs a value (see 'trainer graph --help')" },
        { ["devices", "--all"], "error: unknown option '--all' (see 'trainer devices --help')" },
        { ["devices", "extra"], "error: unexpected argument 'extra' (see 'trainer devices --help')" },
        // A file without its flag: the flag the command takes it with, where it has one.
        { ["eval", "run/last.safetensors"], "error: unexpected argument 'run/last.safetensors'; give it as --checkpoint run/last.safetensors (see 'trainer eval --help')" },
        { ["predict", "--checkpoint", "a.safetensors", "digit.PNG"], "error: unexpected argument 'digit.PNG'; give it as --image digit.PNG (see 'trainer predict --help')" },
        { ["train", "m.jsonl"], "error: unexpected argument 'm.jsonl'; give it as --metrics m.jsonl (see 'trainer train --help')" },
        { ["train", "digit.png"], "error: unexpected argument 'digit.png' (see 'trainer train --help')" },
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
    [InlineData("frobnicate", "")]
    [InlineData("--bogus", "")]
    [InlineData("Train", " (did you mean 'train'?)")]
    [InlineData("trian", " (did you mean 'train'?)")]
    [InlineData("comapre", " (did you mean 'compare'?)")]
    [InlineData("selftst", " (did you mean 'selftest'?)")]
    [InlineData("devs", "")]
    public void Unknown_command_exits_2_listing_the_documented_commands(string name, string hint)
    {
        var commands = DocumentedCommands();
        Assert.Contains("train", commands);
        Assert.Contains("graph", commands);
        Assert.Contains("devices", commands);

        var result = Cli.Run(name, "--epochs", "1");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"error: unknown command '{name}'{hint} (commands: {string.Join(", ", commands)})", result.SingleErrorLine());
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

    public static TheoryData<string, string> CommandUsages => new()
    {
        { "train", TrainCommand.Usage },
        { "compare", CompareCommand.Usage },
        { "graph", GraphCommand.Usage },
        { "devices", DevicesCommand.Usage },
        { "selftest", SelfTestCommand.Usage },
        { "version", VersionCommand.Usage },
        { "help", Program.HelpUsage },
    };

    [Theory]
    [MemberData(nameof(CommandUsages))]
    public void Help_with_a_command_prints_that_commands_usage(string command, string usage)
    {
        var result = Cli.Run("help", command);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(usage + "\n", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith($"usage: trainer {command}", result.Stdout);
        Assert.Equal(result, Cli.Run(command, "--help"));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public void Version_prints_the_assembly_version_and_exits_0(string flag)
    {
        var result = Cli.Run(flag);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        Assert.Matches(@"^trainer 0\.9\.0(\+[0-9a-f]+)?\n$", result.Stdout);
        string informational = typeof(Program).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal($"trainer {informational}\n", result.Stdout);
    }

    public static TheoryData<string, string, string> OptionTables => new()
    {
        { "train", TrainCommand.Usage, "  --epochs N            epochs to train in all, counting those a resumed checkpoint has done (default 2)" },
        { "compare", CompareCommand.Usage, "  --steps N            timed steps in each mode (default 200)" },
        { "graph", GraphCommand.Usage, "  --stage STAGE       traced, optimized or scheduled (default optimized)" },
        { "selftest", SelfTestCommand.Usage, "  --device NAME       auto|cuda|opencl|cpu|ilgpu-cpu, see Devices below (default auto)" },
        { "devices", DevicesCommand.Usage, "  -h, --help          print this help and exit" },
    };

    /// <summary>
    /// Every command's help: its usage line first, then an "options:" section with one line per option
    /// the command accepts (each with its default), descriptions aligned in one column.
    /// </summary>
    [Theory]
    [MemberData(nameof(OptionTables))]
    public void Command_help_lists_every_option_on_its_own_aligned_line_with_its_default(string command, string usage, string sample)
    {
        var lines = CliResult.Lines(Cli.Run(command, "--help").Stdout);
        Assert.StartsWith($"usage: trainer {command}", lines[0]);
        Assert.Contains(sample, lines);
        int start = Array.IndexOf(lines, "options:");
        Assert.True(start > 0, usage);
        var options = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  -", StringComparison.Ordinal)).ToList();
        Assert.Matches("^  -h, --help {2,}print this help and exit$", options[^1]);
        var columns = options.Select(line =>
        {
            int gap = line.IndexOf("  ", 2, StringComparison.Ordinal);
            Assert.True(gap > 2, line);
            return gap + line[gap..].TakeWhile(c => c == ' ').Count();
        }).Distinct().ToList();
        // One description column for all options: at DescriptionColumn, or further right when a long synopsis needs it.
        Assert.Single(columns);
        Assert.True(columns[0] >= OptionTable.DescriptionColumn, $"column {columns[0]}");
        foreach (var line in options.SkipLast(1))
            Assert.Matches(@"\(default [^)]+\)$", line);

        // Every listed option is one the command accepts: "--flag=" is "needs a value" or "takes no
        // value" for a known flag (and runs nothing), "unknown option" for one help made up.
        foreach (var flag in options.SkipLast(1).Select(l => l.Trim().Split(' ')[0]))
        {
            var result = Cli.Run(command, flag + "=");
            Assert.Equal(2, result.ExitCode);
            Assert.Matches($"^error: {flag} (needs a value|takes no value) ", result.SingleErrorLine());
        }
    }
}
