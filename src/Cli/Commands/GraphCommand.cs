using Trainer.Training.IO;
using Trainer.Training.Hosting;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli.Commands;

/// <summary>`trainer graph`: the reference model's step graph at a compiler stage, as text or DOT (like MindSpore's save_graphs).</summary>
public static class GraphCommand
{
    public static readonly OptionTable Options = new(
        new("--stage", "STAGE", "traced, optimized or scheduled (default optimized)"),
        new("--format", "FORMAT", "text or dot; dot needs --stage traced or optimized (default text)"),
        new("--out", "FILE", "write the graph to FILE instead of stdout (default stdout)"),
        new("--step", "STEP", "train or eval (default train)"),
        CommonOptions.BatchSize, CommonOptions.NoFuse, CommonOptions.Optimizer, CommonOptions.Momentum, CommonOptions.WeightDecay, CommonOptions.Model, CommonOptions.Dropout,
        new("--ranks", "N", "the step of one of N data-parallel processes: rank 0's share of the batch, the gradients' AllReduce (default 1)"));

    public static readonly string Usage =
        "usage: trainer graph [--stage traced|optimized|scheduled] [--format text|dot] [--out FILE]\n" +
        "                     [--step train|eval] [--batch-size 64] [--no-fuse] [--optimizer sgd|momentum|adam]\n" +
        "                     [--momentum 0.9] [--weight-decay 0] [--model mlp|lenet|resnet8] [--dropout 0] [--ranks N]\n" +
        "  traced: the step as traced and differentiated; optimized: after the passes; scheduled: the\n" +
        "  launch order, what each kernel fuses, and each buffer's arena offset and size. Needs no device.\n" +
        Options.Text.TrimEnd('\n');

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = Options.Read("graph", args);
        string stage = r.Choice("--stage", "optimized", "traced", "optimized", "scheduled");
        string format = r.Choice("--format", "text", "text", "dot");
        string step = r.Choice("--step", "train", "train", "eval");
        int batch = r.PositiveInt("--batch-size", 64);
        int ranks = r.PositiveInt("--ranks", 1);
        if (ranks > batch) throw r.Error($"--ranks {ranks} is more than the batch of {batch}: every rank needs a row of it");
        if (format == "dot" && stage == "scheduled")
            throw r.Error("--format dot shows the graph; use --stage traced or optimized with it");
        var optimizer = r.Optimizer();
        var model = r.Model();
        float dropout = r.Dropout(model);
        if (r.String("--out") is { } outPath) OutputPath.Check("--out", outPath);
        string text = StepGraphText.Render(
            stage switch { "traced" => GraphStage.Traced, "scheduled" => GraphStage.Scheduled, _ => GraphStage.Optimized },
            dot: format == "dot", trainStep: step == "train", batch, fuse: !r.Has("--no-fuse"), optimizer, model, ranks, dropout);

        if (r.String("--out") is { } path)
        {
            DurableFile.WriteAllText(path, text);
            output.WriteLine($"wrote {stage} {step} graph ({format}) to {path}");
        }
        else
        {
            output.Write(text);
        }
        return 0;
    }
}
