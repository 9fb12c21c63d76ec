using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Analysis;

/// <summary>
/// A BatchNorm's moving statistic in a compiled step: the Assign that moves it and any other read of it (a layer that
/// normalises with it, an output that reports it) must be ordered, or the read may see either value. The verifier
/// rejects the race naming both nodes and the buffer; a Depend edge, or the write-after-read pass, orders it.
/// </summary>
public class RunningStatisticHazardTests
{
    /// <summary>
    /// %0 x [4,3]; %1 moving_mean [3]; %2 batch_mean [3]; %3 Assign(moving_mean, batch_mean);
    /// %4 BiasAdd(x, moving_mean), after the Assign only when <paramref name="readAfterUpdate"/>.
    /// </summary>
    private static (Ir.Graph Graph, Node Update, Node Read) Step(bool readAfterUpdate)
    {
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(4, 3));
        var moving = graph.AddParameter("bn.moving_mean", TensorType.Float(3));
        var batchMean = graph.AddInput("batch_mean", TensorType.Float(3));
        var update = graph.Add(Op.Of(OpKind.Assign), moving, batchMean);
        var read = graph.Add(Op.Of(OpKind.BiasAdd), x, moving);
        if (readAfterUpdate) read.ControlInputs.Add(update);
        graph.Outputs.Add(("y", read));
        return (graph, update, read);
    }

    [Fact]
    public void A_read_of_the_moving_mean_that_races_with_its_update_is_rejected()
    {
        var (graph, _, _) = Step(readAfterUpdate: false);
        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph));
        Assert.Equal("unordered read and write of parameter 'bn.moving_mean': %4 BiasAdd reads it and %3 Assign writes it, " +
                     "with no path between them; add Depend or a control edge", e.Message);
    }

    [Fact]
    public void An_ordered_read_is_accepted_on_either_side_of_the_update()
    {
        var (after, update, read) = Step(readAfterUpdate: true);
        GraphVerifier.Verify(after);
        var schedule = TopologicalScheduler.Schedule(after).ToList();
        Assert.True(schedule.IndexOf(update) < schedule.IndexOf(read));

        var (before, update2, read2) = Step(readAfterUpdate: false);
        Assert.True(new WriteAfterReadOrdering().Run(before));
        GraphVerifier.Verify(before);
        schedule = TopologicalScheduler.Schedule(before).ToList();
        Assert.True(schedule.IndexOf(read2) < schedule.IndexOf(update2));
    }
}
