using Trainer.Graph.Analysis;
using Trainer.Graph.Compilation;
using Trainer.Graph.Passes;
using Trainer.Graph.Printing;
using Trainer.Graph.Tests.TestSupport;

namespace Trainer.Graph.Tests.Printing;

/// <summary>
/// The printed IR of the hand-built MLP training step (<see cref="TestModels.TrainingStep"/>) at
/// each compiler stage, compared with files in Golden/. Set UPDATE_GOLDEN=1 to rewrite them
/// (see <see cref="Golden"/>), then read the diff.
/// </summary>
public class GoldenPrintTests
{
    [Fact]
    public void Traced()
    {
        var mlp = TestModels.TrainingStep();
        GraphVerifier.Verify(mlp.Graph, checkHazards: false);
        Golden.Check("mlp-traced.txt", GraphPrinter.Print(mlp.Graph));
    }

    [Fact]
    public void TracedDot() =>
        Golden.Check("mlp-traced.dot.txt", DotPrinter.Print(TestModels.TrainingStep().Graph, "mlp_train_step"));

    [Fact]
    public void Optimized()
    {
        var graph = TestModels.TrainingStep().Graph;
        PassPipeline.Standard(fuse: true).Run(graph, verify: true);
        Golden.Check("mlp-optimized.txt", GraphPrinter.Print(graph));
    }

    [Fact]
    public void OptimizedWithoutFusion()
    {
        var graph = TestModels.TrainingStep().Graph;
        PassPipeline.Standard(fuse: false).Run(graph, verify: true);
        Golden.Check("mlp-optimized-nofuse.txt", GraphPrinter.Print(graph));
    }

    [Fact]
    public void OptimizedDot()
    {
        var graph = TestModels.TrainingStep().Graph;
        PassPipeline.Standard(fuse: true).Run(graph, verify: true);
        Golden.Check("mlp-optimized.dot.txt", DotPrinter.Print(graph, "mlp_train_step"));
    }

    [Fact]
    public void Scheduled() =>
        Golden.Check("mlp-scheduled.txt", SchedulePrinter.Print(GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions())));

    [Fact]
    public void ScheduledWithoutFusion() =>
        Golden.Check("mlp-scheduled-nofuse.txt",
            SchedulePrinter.Print(GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions(Fuse: false))));

    [Fact]
    public void TracedInScheduleOrder()
    {
        var graph = TestModels.TrainingStep().Graph;
        Golden.Check("mlp-traced-schedule-order.txt", GraphPrinter.Print(graph, TopologicalScheduler.Schedule(graph)));
    }

    [Fact]
    public void PassLogSaysWhatChanged()
    {
        var program = GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions());
        Golden.Check("mlp-pass-log.txt", string.Join("\n", program.PassLog.Select(p => $"{p.Pass}: {(p.Changed ? "changed" : "unchanged")}")) + "\n");
    }

    [Fact]
    public void PrintingIsStable()
    {
        var a = TestModels.TrainingStep().Graph;
        var b = TestModels.TrainingStep().Graph;
        Assert.Equal(GraphPrinter.Print(a), GraphPrinter.Print(b));
        Assert.Equal(DotPrinter.Print(a), DotPrinter.Print(b));
        Assert.Equal(SchedulePrinter.Print(GraphProgram.Build(a, new CompileOptions())),
                     SchedulePrinter.Print(GraphProgram.Build(b, new CompileOptions())));
    }
}
