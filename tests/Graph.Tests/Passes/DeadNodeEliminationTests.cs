using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class DeadNodeEliminationTests
{
    [Fact]
    public void RemovesUnusedNodesAndKeepsOutputsSideEffectsAndTheirInputs()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3));
        var p = g.AddParameter("p", TensorType.Float(2, 3));
        var unusedParam = g.AddParameter("unused", TensorType.Float(7));
        var dead = g.Add(Op.Of(OpKind.Relu), x);
        var deadToo = g.Add(Op.Of(OpKind.Add), dead, dead);
        var output = g.Add(Op.Of(OpKind.Relu), x);
        var grad = g.Add(Op.Of(OpKind.Add), x, x);
        var gradRelu = g.Add(Op.Of(OpKind.Relu), grad);
        var lr = HyperparameterInputs.Sgd(g);
        var update = g.Add(Op.Sgd(), p, gradRelu, lr);
        g.Outputs.Add(("y", output));

        PassAssert.RunsOnceAndSettles(new DeadNodeElimination(), g);

        Assert.Equal([x, p, unusedParam, output, grad, gradRelu, lr, update], g.Nodes);
        Assert.DoesNotContain(dead, g.Nodes);
        Assert.DoesNotContain(deadToo, g.Nodes);
    }

    [Fact]
    public void KeepsControlPredecessorsOfLiveNodes()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4));
        var effect = g.Add(Op.Of(OpKind.Relu), x);
        var effectInput = effect.Inputs[0].Node;
        var result = g.Add(Op.Of(OpKind.Depend), x);
        result.ControlInputs.Add(effect);
        var dead = g.Add(Op.Of(OpKind.Depend), x);
        dead.ControlInputs.Add(effect);
        g.Outputs.Add(("r", result));

        PassAssert.RunsOnceAndSettles(new DeadNodeElimination(), g);

        Assert.Equal([effectInput, effect, result], g.Nodes);
    }

    [Fact]
    public void KeepsEverythingWhenAllIsLive()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4));
        g.Outputs.Add(("r", g.Add(Op.Of(OpKind.Relu), x)));

        PassAssert.LeavesAlone(new DeadNodeElimination(), g);
        Assert.Equal(2, g.Nodes.Count);
    }
}
