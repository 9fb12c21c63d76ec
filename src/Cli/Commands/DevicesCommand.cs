using Trainer.Training.Hosting;

namespace Trainer.Cli.Commands;

/// <summary>`trainer devices`: every device the trainer can run on here.</summary>
public static class DevicesCommand
{
    public static readonly OptionTable Options = new();

    public static readonly string Usage =
        "usage: trainer devices\n" +
        "  Lists every device the trainer can run on, in the order --device auto prefers them, with its\n" +
        "  --device name, model and memory; then any device present that cannot be used, and why.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        _ = Options.Read("devices", args);
        foreach (var d in AvailableDevices.Describe())
            output.WriteLine(d);
        foreach (var why in AvailableDevices.Unusable())
            output.WriteLine($"not usable: {why}");
        return 0;
    }
}
