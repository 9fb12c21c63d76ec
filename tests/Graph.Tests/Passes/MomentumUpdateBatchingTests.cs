using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Passes;
using Trainer.Graph.Printing;

namespace Trainer.Graph.Tests.Passes;

public class MomentumUpdateBatchingTests
{
    [Fact]
    public void MergesUpdatesWithTheirStateAndGroupsByHyperparameterBlock()
    {
        var g = new Ir.Graph();
        var p = Enumerable.Range(0, 3).Select(i => g.AddParameter($"p{i}", TensorType.Float(2, i + 1))).ToArray();
        var a = Enumerable.Range(0, 3).Select(i => g.AddParameter($"moments.p{i}", TensorType.Float(2, i + 1))).ToArray();
        var grads = Enumerable.Range(0, 3).Select(i => g.AddInput($"g{i}", TensorType.Float(2, i + 1))).ToArray();
        var extraP = g.AddParameter("q", TensorType.Float(2, 1));
        var extraA = g.AddParameter("moments.q", TensorType.Float(2, 1));
        var u = Enumerable.Range(0, 3).Select(i => g.Add(Op.MomentumSgd(), p[i], a[i], grads[i], HyperparameterInputs.Momentum(g, "@0.01f, 0.9f"))).ToArray();
        var other = g.Add(Op.MomentumSgd(), extraP, extraA, grads[0], HyperparameterInputs.Momentum(g, "@0.01f, 0.5f"));
        var loss = g.AddInput("loss", TensorType.Float());
        var result = g.Add(Op.Of(OpKind.Depend), loss);
        result.ControlInputs.AddRange([.. u, other]);
        g.Outputs.Add(("loss", result));

        PassAssert.RunsOnceAndSettles(new MomentumUpdateBatching(), g);

        var batched = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.MomentumUpdateMulti);
        Assert.Equal("MomentumUpdateMulti", batched.Op.ToString());
        var block = HyperparameterInputs.Momentum(g, "@0.01f, 0.9f");
        Assert.Equal(new Value[] { p[0], p[1], p[2], a[0], a[1], a[2], grads[0], grads[1], grads[2], block }, batched.Inputs);
        Assert.Equal(u.Select(x => x.Id), batched.FusedFrom);
        Assert.Contains(other, g.Nodes);
        Assert.Equal([batched, other], result.ControlInputs.OrderBy(n => n == other ? 1 : 0));
        Assert.Equal(Enumerable.Range(0, 6), OpRegistry.Get(OpKind.MomentumUpdateMulti).WrittenInputs(batched.Op, 10));
    }

    [Fact]
    public void DoesNotBatchTwoUpdatesOfOneAccumulation()
    {
        var g = new Ir.Graph();
        var p1 = g.AddParameter("p1", TensorType.Float(4));
        var p2 = g.AddParameter("p2", TensorType.Float(4));
        var shared = g.AddParameter("moments", TensorType.Float(4));
        var grad = g.AddInput("grad", TensorType.Float(4));
        var u1 = g.Add(Op.MomentumSgd(), p1, shared, grad, HyperparameterInputs.Momentum(g, "@0.1f, 0.9f"));
        var u2 = g.Add(Op.MomentumSgd(), p2, shared, grad, HyperparameterInputs.Momentum(g, "@0.1f, 0.9f"));

        // Not a graph the verifier accepts (two unordered writes of one tensor), so the pass is run
        // bare: it must still refuse to put both writes in one launch.
        Assert.False(new MomentumUpdateBatching().Run(g));
        Assert.Contains(u1, g.Nodes);
        Assert.Contains(u2, g.Nodes);
    }

    [Fact]
    public void TypeErrorsNameTheOpAndShapes()
    {
        var g = new Ir.Graph();
        var p = g.AddParameter("p", TensorType.Float(4));
        var a = g.AddParameter("a", TensorType.Float(5));
        var grad = g.AddInput("grad", TensorType.Float(4));
        var e = Assert.Throws<OpShapeException>(() => g.Add(Op.MomentumSgd(), p, a, grad, HyperparameterInputs.Momentum(g, "@0.1f, 0.9f")));
        Assert.Contains("MomentumUpdate", e.Message);
        Assert.Contains("[5]", e.Message);
    }

    [Fact]
    public void HyperparametersAreAnInputNotAnAttribute()
    {
        Assert.Equal("%4 = MomentumUpdate(%0, %1, %2, %3) : ()", GraphPrinter.Line(Single()));

        static Node Single()
        {
            var g = new Ir.Graph();
            var p = g.AddParameter("p", TensorType.Float(4));
            var a = g.AddParameter("a", TensorType.Float(4));
            var grad = g.AddInput("grad", TensorType.Float(4));
            return g.Add(Op.MomentumSgd(), p, a, grad, HyperparameterInputs.Momentum(g, "@0.1f, 0.9f"));
        }
    }
}
