using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class ReshapeCollapsingTests
{
    [Fact]
    public void FoldsAReshapeOfAReshape()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var r1 = g.Add(Op.Reshape(2, 12), x);
        var r2 = g.Add(Op.Reshape(-1), r1);
        var y = g.Add(Op.Of(OpKind.Relu), r2);
        g.Outputs.Add(("y", y));

        PassAssert.RunsOnceAndSettles(new ReshapeCollapsing(), g);

        Assert.Equal([x, r2, y], g.Nodes);
        Assert.Equal([new Value(x, 0)], r2.Inputs);
        Assert.Equal(TensorType.Float(24), r2.Type);
    }

    [Fact]
    public void FoldsAChainOfThreeInOneRun()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3, 4));
        var r1 = g.Add(Op.Reshape(6, 4), x);
        var r2 = g.Add(Op.Reshape(4, 6), r1);
        r2.ControlInputs.Add(x);
        var r3 = g.Add(Op.Reshape(24), r2);
        g.Outputs.Add(("y", r3));

        PassAssert.RunsOnceAndSettles(new ReshapeCollapsing(), g);

        Assert.Equal([x, r3], g.Nodes);
        Assert.Equal([new Value(x, 0)], r3.Inputs);
        Assert.Equal([x], r3.ControlInputs);
    }

    [Fact]
    public void RemovesIdentityReshapes()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var same = g.Add(Op.Reshape(4, 6), x);
        var inferred = g.Add(Op.Reshape(-1, 6), same);
        var y = g.Add(Op.Of(OpKind.Relu), inferred);
        g.Outputs.Add(("y", y));
        g.Outputs.Add(("same", same));

        PassAssert.RunsOnceAndSettles(new ReshapeCollapsing(), g);

        Assert.Equal([x, y], g.Nodes);
        Assert.Equal([new Value(x, 0)], y.Inputs);
        Assert.Equal(new Value(x, 0), g.Outputs[1].Value);
    }

    [Fact]
    public void KeepsAnIdentityReshapeWithControlInputs()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4));
        var other = g.AddInput("o", TensorType.Float(4));
        var same = g.Add(Op.Reshape(4), x);
        same.ControlInputs.Add(other);
        g.Outputs.Add(("y", g.Add(Op.Of(OpKind.Relu), same)));

        PassAssert.LeavesAlone(new ReshapeCollapsing(), g);
    }

    [Fact]
    public void FoldingIntoAnIdentityRemovesItInTheSameRun()
    {
        // x [4,6] -> Reshape[2,12] -> Reshape[4,6]: the fold gives Reshape[4,6](x), an identity.
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var r1 = g.Add(Op.Reshape(2, 12), x);
        var r2 = g.Add(Op.Reshape(4, 6), r1);
        var y = g.Add(Op.Of(OpKind.Relu), r2);
        g.Outputs.Add(("y", y));

        PassAssert.RunsOnceAndSettles(new ReshapeCollapsing(), g);

        Assert.Equal([x, y], g.Nodes);
    }
}
