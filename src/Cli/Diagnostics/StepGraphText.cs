using Trainer.Cli.Quickstart;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Graph.Printing;
using Trainer.Training.Loops;
using Trainer.Training.Optim;
using Trainer.Training;
using Trainer.Training.Hosting;

namespace Trainer.Cli.Diagnostics;

/// <summary>A compiler stage of the reference model's step graph, as <c>trainer graph</c> prints it.</summary>
public enum GraphStage
{
    /// <summary>As traced and differentiated.</summary>
    Traced,
    /// <summary>After the optimisation passes.</summary>
    Optimized,
    /// <summary>The launch order, what each kernel fuses, and each buffer's arena offset and size.</summary>
    Scheduled,
}

/// <summary><c>trainer graph</c>'s work: the reference model's train or eval step at a compiler stage, as text or DOT. Needs no device.</summary>
public static class StepGraphText
{
    /// <summary>
    /// Renders the step for a batch of <paramref name="batchSize"/>. <paramref name="dot"/> asks for
    /// Graphviz DOT, which shows a graph and so exists for the traced and optimized stages only.
    /// With <paramref name="ranks"/> above 1, the step one of that many data-parallel processes compiles: rank 0's
    /// share of the batch, and the gradients' AllReduce before the update.
    /// </summary>
    public static string Render(GraphStage stage, bool dot, bool trainStep, int batchSize, bool fuse, OptimizerOptions? optimizer = null, ModelKind model = ModelKind.Mlp, int ranks = 1) =>
        Render(stage, dot, trainStep, batchSize, fuse, optimizer, model, ranks, dropout: 0f);

    /// <summary>The same, for the model with a Dropout of probability <paramref name="dropout"/> before each hidden Dense (`graph --dropout`).</summary>
    public static string Render(GraphStage stage, bool dot, bool trainStep, int batchSize, bool fuse, OptimizerOptions? optimizer, ModelKind model, int ranks, float dropout)
    {
        if (dot && stage == GraphStage.Scheduled)
            throw new ArgumentException("DOT shows a graph; the scheduled stage is a launch list", nameof(dot));
        var options = new CompileOptions(Fuse: fuse, WorldSize: ranks);
        batchSize = Trainer.Training.Distributed.BatchShard.Of(batchSize, 0, ranks).Rows;
        var steps = new QuickstartSteps(seed: 0, (optimizer ?? OptimizerOptions.Default).DefaultLearningRate, optimizer, model, dropout);
        steps.Model.SetTrain(trainStep); // the eval graph normalises with BatchNorm's moving statistics and writes none
        var function = trainStep ? steps.CompileTrainStep(null, options) : steps.CompileEvalStep(null, options);
        var (graph, _) = function.Trace(TensorType.Float(batchSize, 1, 28, 28), TensorType.Int(batchSize));

        if (stage == GraphStage.Traced)
            return dot ? DotPrinter.Print(graph, function.Name) : GraphPrinter.Print(graph);
        var program = GraphProgram.Build(graph, options);
        return stage == GraphStage.Scheduled ? SchedulePrinter.Print(program)
            : dot ? DotPrinter.Print(program.Graph, function.Name)
            : GraphPrinter.Print(program.Graph);
    }
}
