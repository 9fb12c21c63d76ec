using Trainer.Training.Hosting;

namespace Trainer.Cli.Commands;

/// <summary>`trainer devices`: every device the trainer can run on here.</summary>
public static class DevicesCommand
{
    public const string Usage = "usage: trainer devices\n  Lists every device the trainer can run on, in the order --device auto prefers them, with its\n  --device name, model and memory.\n" + DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        _ = new ArgumentReader("devices", args, [], []);
        foreach (var d in AvailableDevices.Describe())
            output.WriteLine(d);
        return 0;
    }
}
