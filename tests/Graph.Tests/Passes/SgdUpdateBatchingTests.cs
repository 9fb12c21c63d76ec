using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Compilation;
using Trainer.Graph.Analysis;
using Trainer.Graph.Printing;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class SgdUpdateBatchingTests
{
    [Fact]
    public void MergesThreeUpdatesIntoOneAndMovesControlUses()
    {
        var g = new Ir.Graph();
        var p1 = g.AddParameter("p1", TensorType.Float(2, 3));
        var p2 = g.AddParameter("p2", TensorType.Float(3));
        var p3 = g.AddParameter("p3", TensorType.Float(4, 1));
        var g1 = g.AddInput("g1", TensorType.Float(2, 3));
        var g2 = g.AddInput("g2", TensorType.Float(3));
        var g3 = g.AddInput("g3", TensorType.Float(4, 1));
        var reader = g.Add(Op.Of(OpKind.Relu), p2);
        var u1 = g.Add(Op.Sgd(), p1, g1, HyperparameterInputs.Sgd(g, "@0.5f"));
        var u2 = g.Add(Op.Sgd(), p2, g2, HyperparameterInputs.Sgd(g, "@0.5f"));
        u2.ControlInputs.Add(reader);
        var u3 = g.Add(Op.Sgd(), p3, g3, HyperparameterInputs.Sgd(g, "@0.5f"));
        var loss = g.AddInput("loss", TensorType.Float());
        var result = g.Add(Op.Of(OpKind.Depend), loss);
        result.ControlInputs.AddRange([u1, u2, u3]);
        g.Outputs.Add(("loss", result));
        g.Outputs.Add(("r", reader));

        PassAssert.RunsOnceAndSettles(new SgdUpdateBatching(), g);

        var batched = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.SgdUpdateMulti);
        Assert.Equal("SgdUpdateMulti", batched.Op.ToString());
        var lr = HyperparameterInputs.Sgd(g, "@0.5f");
        Assert.Equal(new Value[] { p1, p2, p3, g1, g2, g3, lr }, batched.Inputs);
        Assert.Empty(batched.Outputs);
        Assert.Equal([u1.Id, u2.Id, u3.Id], batched.FusedFrom);
        Assert.Equal([reader], batched.ControlInputs);
        Assert.Equal([batched], result.ControlInputs);
        Assert.DoesNotContain(g.Nodes, n => n.Op.Kind == OpKind.SgdUpdate);
        Assert.Equal(g.Nodes.Count - 1, g.Nodes.ToList().IndexOf(result));
        Assert.Equal("%13 = SgdUpdateMulti(%0, %1, %2, %3, %4, %5, %7) after(%6) : ()",
            GraphPrinter.Line(batched));
    }

    [Fact]
    public void GroupsByHyperparameterBlockAndLeavesSingleUpdatesAlone()
    {
        var g = new Ir.Graph();
        var ps = Enumerable.Range(0, 4).Select(i => g.AddParameter($"p{i}", TensorType.Float(2))).ToArray();
        var grad = g.AddInput("grad", TensorType.Float(2));
        var a = g.Add(Op.Sgd(), ps[0], grad, HyperparameterInputs.Sgd(g, "@0.5f"));
        var b = g.Add(Op.Sgd(), ps[1], grad, HyperparameterInputs.Sgd(g, "@0.1f"));
        var c = g.Add(Op.Sgd(), ps[2], grad, HyperparameterInputs.Sgd(g, "@0.5f"));
        var d = g.Add(Op.Sgd(), ps[3], grad, HyperparameterInputs.Sgd(g, "@0.25f"));

        PassAssert.RunsOnceAndSettles(new SgdUpdateBatching(), g);

        var multi = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.SgdUpdateMulti);
        Assert.Equal(HyperparameterInputs.Sgd(g, "@0.5f"), multi.Inputs[^1].Node);
        Assert.Equal([a.Id, c.Id], multi.FusedFrom);
        Assert.Contains(b, g.Nodes);
        Assert.Contains(d, g.Nodes);
    }

    [Fact]
    public void DoesNotBatchUpdatesOfNonParameters()
    {
        var g = new Ir.Graph();
        var p = g.AddParameter("p", TensorType.Float(2));
        var view = g.Add(Op.Reshape(2), p);
        var x = g.AddInput("x", TensorType.Float(2));
        var grad = g.AddInput("grad", TensorType.Float(2));
        var u1 = g.Add(Op.Sgd(), view, grad, HyperparameterInputs.Sgd(g, "@0.5f"));
        var u2 = g.Add(Op.Sgd(), x, grad, HyperparameterInputs.Sgd(g, "@0.5f"));

        PassAssert.LeavesAlone(new SgdUpdateBatching(), g);
        Assert.Contains(u1, g.Nodes);
        Assert.Contains(u2, g.Nodes);
    }

    [Fact]
    public void UpdatesOrderedAgainstEachOtherAreNotBatched()
    {
        var g = new Ir.Graph();
        var p1 = g.AddParameter("p1", TensorType.Float(2));
        var p2 = g.AddParameter("p2", TensorType.Float(2));
        var grad = g.AddInput("grad", TensorType.Float(2));
        var u1 = g.Add(Op.Sgd(), p1, grad, HyperparameterInputs.Sgd(g, "@0.5f"));
        var u2 = g.Add(Op.Sgd(), p2, grad, HyperparameterInputs.Sgd(g, "@0.5f"));
        u2.ControlInputs.Add(u1);
        GraphVerifier.Verify(g);

        // One launch updates everything at once, so an explicit order between two updates is kept
        // by leaving them separate (and never turns into a control edge of a node on itself).
        PassAssert.LeavesAlone(new SgdUpdateBatching(), g);
        Assert.Contains(u1, g.Nodes);
        Assert.Equal([u1], u2.ControlInputs);
    }

    [Fact]
    public void UpdatesSerializedByDependStillCompileWithFusion()
    {
        // p1 -= lr·g1; then, after that update, p2 -= lr·Depend(g2, after p1's update).
        static Ir.Graph Build()
        {
            var g = new Ir.Graph();
            var p1 = g.AddParameter("p1", TensorType.Float(2));
            var p2 = g.AddParameter("p2", TensorType.Float(2));
            var g1 = g.AddInput("g1", TensorType.Float(2));
            var g2 = g.AddInput("g2", TensorType.Float(2));
            var u1 = g.Add(Op.Sgd(), p1, g1, HyperparameterInputs.Sgd(g, "@0.5f"));
            var d = g.Add(Op.Of(OpKind.Depend), g2);
            d.ControlInputs.Add(u1);
            g.Add(Op.Sgd(), p2, d, HyperparameterInputs.Sgd(g, "@0.5f"));
            return g;
        }

        GraphProgram.Build(Build(), new CompileOptions(Fuse: false));
        var program = GraphProgram.Build(Build(), new CompileOptions(Fuse: true));

        GraphVerifier.Verify(program.Graph);
    }

    [Fact]
    public void TwoUpdatesOfOneParameterAreNotBatchedIntoOneLaunch()
    {
        var g = new Ir.Graph();
        var p = g.AddParameter("p", TensorType.Float(2));
        var g1 = g.AddInput("g1", TensorType.Float(2));
        var g2 = g.AddInput("g2", TensorType.Float(2));
        g.Add(Op.Sgd(), p, g1, HyperparameterInputs.Sgd(g, "@0.5f"));
        g.Add(Op.Sgd(), p, g2, HyperparameterInputs.Sgd(g, "@0.5f"));

        var program = GraphProgram.Build(g, new CompileOptions());

        foreach (var multi in program.Graph.Nodes.Where(n => n.Op.Kind == OpKind.SgdUpdateMulti))
        {
            var parameters = multi.Inputs.Take(multi.Inputs.Count / 2).ToList();
            Assert.Equal(parameters.Count, parameters.Distinct().Count());
        }
    }
}
