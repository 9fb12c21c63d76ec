using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Graph.Printing;
using Trainer.Graph.Tests.TestSupport;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Passes;

public class GradientAllReduceTests
{
    public static TheoryData<string> Optimizers => ["sgd", "momentum", "adam"];

    private static TestModels.Mlp Step(string optimizer) => optimizer switch
    {
        "sgd" => TestModels.TrainingStep(),
        "momentum" => TestModels.TrainingStep(TestModels.MomentumStep),
        "adam" => TestModels.TrainingStep(TestModels.AdamStep),
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer)),
    };

    private static int GradientIndex(Node update) => update.Op.Kind switch
    {
        OpKind.SgdUpdate => 1,
        OpKind.MomentumUpdate => 2,
        _ => 3,
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Every_gradient_is_averaged_once_before_its_update_in_the_order_it_is_made(string optimizer)
    {
        var mlp = Step(optimizer);
        var updates = mlp.Result.ControlInputs.Where(n => n.Op.Kind != OpKind.AdamBetaPowers).ToList();

        PassAssert.RunsOnceAndSettles(new GradientAllReduce(2), mlp.Graph, checkHazards: false);

        var allReduces = mlp.Graph.Nodes.Where(n => n.Op.Kind == OpKind.AllReduce).ToList();
        Assert.Equal(4, allReduces.Count);
        Assert.All(allReduces, a => Assert.Equal("AllReduce[world=2]", a.Op.ToString()));
        for (int i = 0; i < 4; i++)
        {
            var read = updates[i].Inputs[GradientIndex(updates[i])].Node;
            Assert.Equal(OpKind.AllReduce, read.Op.Kind);
            Assert.Equal([new Value(mlp.Gradients[i], 0)], read.Inputs);
        }
        // One chain, in the order the gradients were made, so every process issues them alike.
        Assert.Equal(mlp.Gradients.OrderBy(n => n.Id), allReduces.Select(a => a.Inputs[0].Node));
        Assert.Empty(allReduces[0].ControlInputs);
        for (int i = 1; i < 4; i++) Assert.Equal([allReduces[i - 1]], allReduces[i].ControlInputs);
        Assert.Contains("= AllReduce[world=2](", GraphPrinter.Print(mlp.Graph));
    }

    [Fact]
    public void Two_updates_of_one_gradient_share_its_all_reduce()
    {
        var g = new Ir.Graph();
        var p1 = g.AddParameter("p1", TensorType.Float(4));
        var p2 = g.AddParameter("p2", TensorType.Float(4));
        var grad = g.AddInput("grad", TensorType.Float(4));
        var u1 = g.Add(Op.Sgd(0.1f), p1, grad);
        var u2 = g.Add(Op.Sgd(0.2f), p2, grad);

        PassAssert.RunsOnceAndSettles(new GradientAllReduce(3), g);

        var allReduce = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.AllReduce);
        Assert.Equal("AllReduce[world=3]", allReduce.Op.ToString());
        Assert.Equal(new Value(allReduce, 0), u1.Inputs[1]);
        Assert.Equal(new Value(allReduce, 0), u2.Inputs[1]);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_pipeline_keeps_the_all_reduces_between_gradients_and_a_batched_update(string optimizer)
    {
        var mlp = Step(optimizer);

        var log = PassPipeline.Standard(fuse: true, worldSize: 2).Run(mlp.Graph, verify: true);

        Assert.Contains(("gradient-all-reduce", true), log);
        GraphVerifier.Verify(mlp.Graph);
        var allReduces = mlp.Graph.Nodes.Where(n => n.Op.Kind == OpKind.AllReduce).ToList();
        Assert.Equal(4, allReduces.Count);
        // No GEMM folds its weight gradient into the update past the all-reduce: all four updates batch.
        Assert.DoesNotContain(mlp.Graph.Nodes, n => n.Op.Kind == OpKind.MatMul && (n.Op.Epilogue & GemmEpilogue.SgdFlag) != 0);
        var multi = Assert.Single(mlp.Graph.Nodes, n => n.Op.Kind is OpKind.SgdUpdateMulti or OpKind.MomentumUpdateMulti or OpKind.AdamUpdateMulti);
        Assert.Equal(allReduces.OrderBy(a => Array.IndexOf(mlp.Gradients, a.Inputs[0].Node)).Select(a => new Value(a, 0)),
            multi.Inputs.Where(v => v.Node.Op.Kind == OpKind.AllReduce));
        var schedule = TopologicalScheduler.Schedule(mlp.Graph);
        Assert.All(allReduces, a => Assert.True(schedule.ToList().IndexOf(a) < schedule.ToList().IndexOf(multi)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_process_compiles_exactly_the_single_process_graph(bool fuse)
    {
        Assert.Equal(PassPipeline.Standard(fuse).Passes.Select(p => p.Name), PassPipeline.Standard(fuse, worldSize: 1).Passes.Select(p => p.Name));
        Assert.DoesNotContain("gradient-all-reduce", PassPipeline.Standard(fuse).Passes.Select(p => p.Name));
        var a = TestModels.TrainingStep();
        var b = TestModels.TrainingStep();
        PassPipeline.Standard(fuse).Run(a.Graph, verify: true);
        PassPipeline.Standard(fuse, worldSize: 1).Run(b.Graph, verify: true);
        Assert.Equal(GraphPrinter.Print(a.Graph), GraphPrinter.Print(b.Graph));
    }

    [Fact]
    public void Runs_before_fusion_and_says_so_otherwise()
    {
        var mlp = TestModels.TrainingStep();
        PassPipeline.Standard(fuse: true).Run(mlp.Graph, verify: true);

        var e = Assert.Throws<GraphCompileException>(() => new GradientAllReduce(2).Run(mlp.Graph));
        Assert.Contains("must run before", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientAllReduce(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassPipeline.Standard(true, worldSize: 0));
    }
}
