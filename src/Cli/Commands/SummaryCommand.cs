using Trainer.Cli.Quickstart;
using Trainer.Training;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Cli.Commands;

/// <summary>
/// `trainer summary`: a model's cell tree as MindSpore's <c>print(model)</c> prints it, then each layer's
/// output shape, parameter count and FLOPs (what torchinfo's and Keras's summary give). Needs no device.
/// </summary>
public static class SummaryCommand
{
    /// <summary>The largest --batch-size: every layer's element count stays far inside a 32-bit index.</summary>
    public const int MaxBatch = 65536;

    public static readonly OptionTable Options = new(
        CommonOptions.Model, CommonOptions.Dropout,
        new("--batch-size", "N", "the batch of the traced input [N, 1, 28, 28] (default 1)"));

    public static readonly string Usage =
        "usage: trainer summary [--model mlp|lenet|resnet8] [--dropout 0] [--batch-size 1]\n" +
        "  Prints the model as MindSpore's print(model) does, then one row per layer call with its output\n" +
        "  shape, parameter count and forward FLOPs (a multiply-add counts two). Needs no device or data.\n" +
        Options.Text.TrimEnd('\n');

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = Options.Read("summary", args);
        var model = r.Model();
        float dropout = r.Dropout(model);
        int batch = r.PositiveInt("--batch-size", 1);
        if (batch > MaxBatch) throw r.Error($"--batch-size {batch} is more than {MaxBatch}, the largest batch a summary traces");
        GlobalSeed.Set(0);
        var network = ModelKinds.Create(model, dropout);
        output.WriteLine(network);
        output.WriteLine();
        output.Write(CellSummary.Create(network, batch, 1, 28, 28));
        return 0;
    }
}
