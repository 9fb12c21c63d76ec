using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training.Train;

namespace Trainer.Cli.Commands;

/// <summary>`trainer eval`: the tutorial's test loop over a checkpoint's weights.</summary>
public static class EvalCommand
{
    public static readonly OptionTable Options = new(
        [.. CheckpointJob.Options, new("--mode", "MODE", "graph (compile the step) or eager (default graph)")]);

    public static readonly string Usage =
        "usage: trainer eval --checkpoint FILE [--data PATH] [--label-column label] [--skip-bad-images] [--batch-size N] [--model mlp|lenet|resnet8] [--dropout P]\n" +
        "                    [--rename FROM=TO]... [--rename-file MAP] [--strict]\n" +
        "                    [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N] [--mode graph|eager]\n" +
        "  Loads a checkpoint (a .safetensors or MindSpore .ckpt file from 'trainer train --save', or weights\n" +
        "  written by PyTorch, Hugging Face or MindSpore; the format is told by content, F16, BF16 and F64\n" +
        "  are converted to float32) and prints the tutorial's 'Test:' block for the\n" +
        "  test split of --data (default: the built-in digits). --batch-size defaults to the checkpoint's,\n" +
        "  so the figures match the last epoch of the run that wrote it. --model is needed only for a\n" +
        "  weights-only file that is not the MLP. --rename maps another framework's module names onto the\n" +
        "  model's ('linear_relu_stack.=dense_relu_sequential.' for PyTorch's quick-start model); a file\n" +
        "  that does not fit is one error line listing every missing tensor and shape mismatch.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output) => Run(args, output, TextWriter.Null);

    /// <summary>Runs `trainer eval`: the log on <paramref name="output"/>, notes about the weights file on <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var r = Options.Read("eval", args);
        var (weights, options, data) = CheckpointJob.Read(r);
        WeightOptions.Report(weights, error);
        var file = weights.File;
        if (data.Found is { } found) output.WriteLine(found);
        using (var job = CheckpointJob.Open(weights, options, data))
        {
            output.WriteLine(job.Session.DeviceChoice);
            output.WriteLine($"checkpoint: {file.Path}, model {ModelKinds.Name(options.Model)}, data: {data.Source} ({data.TestCount} test)");
            LossMonitor.WriteTest(output, job.Model.Eval(job.TestLoader));
        }
        return 0;
    }
}
