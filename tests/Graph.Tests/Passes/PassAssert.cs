using Trainer.Graph.Printing;
using Trainer.Graph.Analysis;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

internal static class PassAssert
{
    /// <summary>Runs the pass, expecting a change; the graph verifies after it, and a second run changes nothing.</summary>
    public static void RunsOnceAndSettles(IGraphPass pass, Ir.Graph graph, bool checkHazards = true)
    {
        Assert.True(pass.Run(graph), $"{pass.Name} changed nothing");
        GraphVerifier.Verify(graph, checkHazards);
        TopologicalScheduler.Schedule(graph);
        Assert.False(pass.Run(graph), $"{pass.Name} changed the graph again on a second run");
        GraphVerifier.Verify(graph, checkHazards);
    }

    /// <summary>Runs the pass expecting no change at all (same nodes, same printed IR).</summary>
    public static void LeavesAlone(IGraphPass pass, Ir.Graph graph)
    {
        string before = GraphPrinter.Print(graph);
        Assert.False(pass.Run(graph), $"{pass.Name} claims a change");
        Assert.Equal(before, GraphPrinter.Print(graph));
        GraphVerifier.Verify(graph);
    }
}
