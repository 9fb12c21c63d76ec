using Trainer.Cli.Commands;
using Trainer.Training.Hosting;
using Trainer.Training.Distributed;
using Trainer.Training.IO;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli;

/// <summary>The `trainer` command: dispatches to a subcommand and turns every expected failure into one line and an exit code.</summary>
public static class Program
{
    public const string Usage =
        "usage: trainer <command> [options]\n" +
        "commands:\n" +
        "  train     train the MNIST quick-start model (graph mode by default)\n" +
        "  compare   eager against graph mode: same seed and batches, figures side by side\n" +
        "  graph     print the training step's graph at a compiler stage\n" +
        "  summary   print a model's cell tree and each layer's output shape, parameters and FLOPs\n" +
        "  devices   list the devices (GPUs, the native cpu backend, ILGPU's cpu accelerator)\n" +
        "  selftest  check every kernel on the device against a float64 reference\n" +
        "  eval      the test loop over a saved checkpoint\n" +
        "  predict   a checkpoint's predictions for test images or one picture\n" +
        "  export    write a checkpoint's model as ONNX, for ONNX Runtime and ML.NET\n" +
        "  plot      draw a metrics log (JSON Lines) as loss and accuracy curves in a PNG\n" +
        "  help      print a command's usage and options: trainer help <command>\n" +
        "  version   print the trainer's version (also trainer --version)\n" +
        "run 'trainer <command> --help' for a command's options";

    // Each command gets stdout and stderr (train's progress goes to stderr); most need only stdout.
    private static readonly Dictionary<string, (Func<IReadOnlyList<string>, TextWriter, TextWriter, int> Run, string Usage)> Commands = new()
    {
        ["train"] = (TrainCommand.Run, TrainCommand.Usage),
        ["compare"] = (CompareCommand.Run, CompareCommand.Usage),
        ["graph"] = ((a, o, _) => GraphCommand.Run(a, o), GraphCommand.Usage),
        ["summary"] = ((a, o, _) => SummaryCommand.Run(a, o), SummaryCommand.Usage),
        ["devices"] = ((a, o, _) => DevicesCommand.Run(a, o), DevicesCommand.Usage),
        ["selftest"] = ((a, o, _) => SelfTestCommand.Run(a, o), SelfTestCommand.Usage),
        ["eval"] = (EvalCommand.Run, EvalCommand.Usage),
        ["predict"] = (PredictCommand.Run, PredictCommand.Usage),
        ["export"] = (ExportCommand.Run, ExportCommand.Usage),
        ["plot"] = (PlotCommand.Run, PlotCommand.Usage),
        ["help"] = ((a, o, _) => Help(a, o), HelpUsage),
        ["version"] = ((a, o, _) => VersionCommand.Run(a, o), VersionCommand.Usage),
    };

    public const string HelpUsage =
        "usage: trainer help [<command>]\n" +
        "  Prints <command>'s usage and options (the same as 'trainer <command> --help'), or without one\n" +
        "  the list of commands.";

    /// <summary>The exit code when the command's own work succeeded but standard output or standard error could not be written (sysexits' EX_IOERR).</summary>
    public const int StreamFailedExitCode = 74;

    public static int Main(string[] args)
    {
        var output = new FailSafeWriter(Console.Out, "standard output");
        var error = new FailSafeWriter(Console.Error, "standard error");
        int code = Run(args, output, error);
        return Finish(code, output, error);
    }

    /// <summary>
    /// The process's exit code once the command returned <paramref name="code"/>: its own when it failed, else
    /// <see cref="StreamFailedExitCode"/> when a write to either stream failed (said on stderr when stdout failed).
    /// </summary>
    internal static int Finish(int code, FailSafeWriter output, FailSafeWriter error)
    {
        output.Flush();
        if (output.Failure is { } why) error.WriteLine($"error: cannot write to {output.Name}: {PrintableText.Escape(why)}");
        error.Flush();
        if (code != 0) return code;
        return output.Failure is not null || error.Failure is not null ? StreamFailedExitCode : 0;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            error.WriteLine(Usage);
            return 2;
        }
        if (args[0] == "--version") args = ["version", .. args[1..]];
        if (args[0] is "--help" or "-h") args = ["help", .. args[1..]];
        if (!Commands.TryGetValue(args[0], out var command))
        {
            error.WriteLine($"error: {UnknownCommand(args[0])}");
            return 2;
        }
        var rest = args[1..];
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            output.WriteLine(command.Usage);
            return 0;
        }
        try
        {
            return command.Run(rest, output, error);
        }
        catch (Exception e) when (!IsInternal(e) || Environment.GetEnvironmentVariable("TRAINER_DEBUG") is null)
        {
            var (code, message) = Failure(e);
            // Under a bare `mpirun -np N trainer ...` every rank reads the same command line: rank 0 alone says what is wrong with it.
            // One line, and whatever a file put in a name (escape sequences, line breaks) shown, not obeyed.
            if (e is not UsageException || MpiJob.Rank == 0) error.WriteLine($"error: {PrintableText.Escape(message.ReplaceLineEndings(" "))}");
            return code;
        }
    }

    private static bool IsInternal(Exception e) => e is not UsageException && UserErrors.ExitCode(e) is null;

    /// <summary>
    /// The exit code and one-line message for an exception a command let through: 2 for a bad command line, the
    /// user's errors their <see cref="UserErrors.ExitCode"/>, anything else 70, an internal error.
    /// </summary>
    internal static (int Code, string Message) Failure(Exception e) => e switch
    {
        UsageException => (2, e.Message),
        _ when UserErrors.ExitCode(e) is { } code => (code, e.Message),
        _ => (70, $"internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (set TRAINER_DEBUG=1 for the stack trace)"),
    };

    /// <summary>"unknown command 'trian' (did you mean 'train'?) (commands: ...)".</summary>
    private static string UnknownCommand(string name) =>
        $"unknown command '{name}'{Suggestion.Hint(name, Commands.Keys)} (commands: {string.Join(", ", Commands.Keys)})";

    /// <summary>`trainer help [command]`: the general usage, or one command's.</summary>
    private static int Help(IReadOnlyList<string> args, TextWriter output)
    {
        if (args.Count == 0)
        {
            output.WriteLine(Usage);
            return 0;
        }
        if (args.Count > 1) throw new UsageException($"unexpected argument '{args[1]}' (see 'trainer help --help')");
        if (!Commands.TryGetValue(args[0], out var command)) throw new UsageException(UnknownCommand(args[0]));
        output.WriteLine(command.Usage);
        return 0;
    }
}
