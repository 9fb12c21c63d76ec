using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer eval`: the tutorial's test loop over a checkpoint's weights.</summary>
public static class EvalCommand
{
    public static readonly OptionTable Options = new(
        [.. CheckpointJob.Options, new("--mode", "MODE", "graph (compile the step) or eager (default graph)")]);

    public static readonly string Usage =
        "usage: trainer eval --checkpoint FILE [--data DIR] [--batch-size N] [--model mlp|lenet]\n" +
        "                    [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--mode graph|eager]\n" +
        "  Loads a checkpoint (a .safetensors file from 'trainer train --save', or weights written by\n" +
        "  PyTorch or MindSpore under the same names) and prints the tutorial's 'Test:' block for the\n" +
        "  test split of --data (default: the built-in digits). --batch-size defaults to the checkpoint's,\n" +
        "  so the figures match the last epoch of the run that wrote it. --model is needed only for a\n" +
        "  weights-only file that is not the MLP.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = Options.Read("eval", args);
        var (file, options) = CheckpointJob.Read(r);
        var (session, job) = CheckpointJob.Open(file, options);
        using (session)
        using (job)
        {
            output.WriteLine(session.DeviceChoice);
            output.WriteLine($"checkpoint: {file.Path}, model {ModelKinds.Name(options.Model)}, data: {job.TestData.Source} ({job.TestData.Count} test)");
            job.TestLoop(output);
        }
        return 0;
    }
}
