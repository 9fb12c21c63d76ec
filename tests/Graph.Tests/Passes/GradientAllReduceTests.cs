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
    public void Every_gradient_is_averaged_by_one_all_reduce_before_its_update_in_the_order_it_is_made(string optimizer)
    {
        var mlp = Step(optimizer);
        var updates = mlp.Result.ControlInputs.Where(n => n.Op.Kind != OpKind.AdamBetaPowers).ToList();

        PassAssert.RunsOnceAndSettles(new GradientAllReduce(2), mlp.Graph, checkHazards: false);

        // One collective a step: all four gradients, in the order they were made, so every process lays them out alike.
        var allReduce = Assert.Single(mlp.Graph.Nodes, n => n.Op.Kind == OpKind.AllReduce);
        Assert.Equal("AllReduce[world=2]", allReduce.Op.ToString());
        Assert.Equal(mlp.Gradients.OrderBy(n => n.Id).Select(n => new Value(n, 0)), allReduce.Inputs);
        Assert.Equal(4, allReduce.Outputs.Length);
        for (int i = 0; i < 4; i++)
        {
            var read = updates[i].Inputs[GradientIndex(updates[i])];
            Assert.Equal(allReduce, read.Node);
            Assert.Equal(new Value(mlp.Gradients[i], 0), allReduce.Inputs[read.Index]);
            Assert.Equal(allReduce.Inputs[read.Index].Node.Outputs[0], allReduce.Outputs[read.Index]);
        }
        Assert.Contains("= AllReduce[world=2](", GraphPrinter.Print(mlp.Graph));
    }

    [Fact]
    public void Two_updates_of_one_gradient_share_its_all_reduce()
    {
        var g = new Ir.Graph();
        var p1 = g.AddParameter("p1", TensorType.Float(4));
        var p2 = g.AddParameter("p2", TensorType.Float(4));
        var grad = g.AddInput("grad", TensorType.Float(4));
        var u1 = g.Add(Op.Sgd(), p1, grad, HyperparameterInputs.Sgd(g, "@0.1f"));
        var u2 = g.Add(Op.Sgd(), p2, grad, HyperparameterInputs.Sgd(g, "@0.2f"));

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
        var allReduce = Assert.Single(mlp.Graph.Nodes, n => n.Op.Kind == OpKind.AllReduce);
        Assert.Equal(4, allReduce.Inputs.Count);
        // No GEMM folds its weight gradient into the update past the all-reduce: all four updates batch.
        Assert.DoesNotContain(mlp.Graph.Nodes, n => n.Op.Kind == OpKind.MatMul && (n.Op.Epilogue & GemmEpilogue.SgdFlag) != 0);
        var multi = Assert.Single(mlp.Graph.Nodes, n => n.Op.Kind is OpKind.SgdUpdateMulti or OpKind.MomentumUpdateMulti or OpKind.AdamUpdateMulti);
        // The batched update reads, for each parameter in order, the mean of that parameter's gradient.
        Assert.Equal(mlp.Gradients.Select(g => new Value(allReduce, allReduce.Inputs.ToList().FindIndex(v => v.Node == g))),
            multi.Inputs.Where(v => v.Node.Op.Kind == OpKind.AllReduce));
        var schedule = TopologicalScheduler.Schedule(mlp.Graph).ToList();
        Assert.True(schedule.IndexOf(allReduce) < schedule.IndexOf(multi));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_process_compiles_exactly_the_single_process_graph(bool fuse)
    {
        // The data-parallel pipeline is the single-process one plus the all-reduce pass, in the same order.
        var single = PassPipeline.Standard(fuse, worldSize: 1).Passes.Select(p => p.Name).ToList();
        var parallel = PassPipeline.Standard(fuse, worldSize: 2).Passes.Select(p => p.Name).ToList();
        Assert.DoesNotContain("gradient-all-reduce", single);
        Assert.Contains("gradient-all-reduce", parallel);
        Assert.Equal(parallel.Where(name => name != "gradient-all-reduce"), single);
        var step = TestModels.TrainingStep();
        PassPipeline.Standard(fuse, worldSize: 1).Run(step.Graph, verify: true);
        Assert.DoesNotContain(step.Graph.Nodes, n => n.Op.Kind == OpKind.AllReduce);
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
