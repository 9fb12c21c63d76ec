using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Graph.Printing;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer graph`: the reference model's step graph at a compiler stage, as text or DOT (like MindSpore's save_graphs).</summary>
public static class GraphCommand
{
    public const string Usage =
        "usage: trainer graph [--stage traced|optimized|scheduled] [--format text|dot] [--out FILE]\n" +
        "                     [--step train|eval] [--batch-size 64] [--no-fuse]\n" +
        "  traced: the step as traced and differentiated; optimized: after the passes; scheduled: the\n" +
        "  launch order, what each kernel fuses, and each buffer's arena offset and size. Needs no device.";

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = new ArgumentReader("graph", args, ["--stage", "--format", "--out", "--step", "--batch-size"], ["--no-fuse"]);
        string stage = r.Choice("--stage", "optimized", "traced", "optimized", "scheduled");
        string format = r.Choice("--format", "text", "text", "dot");
        string step = r.Choice("--step", "train", "train", "eval");
        int batch = r.PositiveInt("--batch-size", 64);
        if (format == "dot" && stage == "scheduled")
            throw r.Error("--format dot shows the graph; use --stage traced or optimized with it");
        var options = new CompileOptions(Fuse: !r.Has("--no-fuse"));

        var steps = new QuickstartSteps(seed: 0, learningRate: 0.01f);
        var function = step == "train" ? steps.CompileTrainStep(null, options) : steps.CompileEvalStep(null, options);
        var (graph, _) = function.Trace(TensorType.Float(batch, 1, 28, 28), TensorType.Int(batch));

        string text;
        if (stage == "traced")
        {
            text = format == "dot" ? DotPrinter.Print(graph, function.Name) : GraphPrinter.Print(graph);
        }
        else
        {
            var program = GraphProgram.Build(graph, options);
            text = stage == "scheduled" ? SchedulePrinter.Print(program)
                : format == "dot" ? DotPrinter.Print(program.Graph, function.Name)
                : GraphPrinter.Print(program.Graph);
        }

        if (r.String("--out") is { } path)
        {
            AtomicFile.WriteAllText(path, text);
            output.WriteLine($"wrote {stage} {step} graph ({format}) to {path}");
        }
        else
        {
            output.Write(text);
        }
        return 0;
    }
}
