using Trainer.Cli.Commands;
using Trainer.Training.Hosting;

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
        "  devices   list the devices (GPUs, the native cpu backend, ILGPU's cpu accelerator)\n" +
        "  selftest  check every kernel on the device against a float64 reference\n" +
        "  eval      the test loop over a saved checkpoint\n" +
        "  predict   a checkpoint's predictions for test images or one picture\n" +
        "  plot      draw a metrics log (JSON Lines) as loss and accuracy curves in a PNG\n" +
        "run 'trainer <command> --help' for a command's options";

    private static readonly Dictionary<string, (Func<IReadOnlyList<string>, TextWriter, TextWriter, int> Run, string Usage)> Commands = new()
    {
        ["train"] = (TrainCommand.Run, TrainCommand.Usage),
        ["compare"] = ((a, o, _) => CompareCommand.Run(a, o), CompareCommand.Usage),
        ["graph"] = ((a, o, _) => GraphCommand.Run(a, o), GraphCommand.Usage),
        ["devices"] = ((a, o, _) => DevicesCommand.Run(a, o), DevicesCommand.Usage),
        ["selftest"] = ((a, o, _) => SelfTestCommand.Run(a, o), SelfTestCommand.Usage),
        ["eval"] = ((a, o, _) => EvalCommand.Run(a, o), EvalCommand.Usage),
        ["predict"] = ((a, o, _) => PredictCommand.Run(a, o), PredictCommand.Usage),
        ["plot"] = ((a, o, _) => PlotCommand.Run(a, o), PlotCommand.Usage),
    };

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            (args.Length == 0 ? error : output).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            error.WriteLine($"error: unknown command '{args[0]}' (commands: {string.Join(", ", Commands.Keys)})");
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
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (UserErrors.ExitCode(e) is { } code)
        {
            error.WriteLine($"error: {e.Message}");
            return code;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("TRAINER_DEBUG") is null)
        {
            error.WriteLine($"error: internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (set TRAINER_DEBUG=1 for the stack trace)");
            return 70;
        }
    }
}
