using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class CommonSubexpressionEliminationTests
{
    [Fact]
    public void MergesIdenticalMatMulsAndKeepsOnesWithOtherTransposeFlags()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(3, 3));
        var w = g.AddParameter("w", TensorType.Float(3, 3));
        var nt1 = g.Add(Op.MatMul(false, true), x, w);
        var nt2 = g.Add(Op.MatMul(false, true), x, w);
        var nn = g.Add(Op.MatMul(false, false), x, w);
        var tn = g.Add(Op.MatMul(true, false), x, w);
        var swapped = g.Add(Op.MatMul(false, true), w, x);
        var sum = g.Add(Op.Of(OpKind.Add), nt1, nt2);
        var all = g.Add(Op.Of(OpKind.Add), g.Add(Op.Of(OpKind.Add), sum, nn), g.Add(Op.Of(OpKind.Add), tn, swapped));
        var after = g.Add(Op.Of(OpKind.Depend), x);
        after.ControlInputs.Add(nt2);
        g.Outputs.Add(("all", all));
        g.Outputs.Add(("dup", nt2));
        g.Outputs.Add(("after", after));

        PassAssert.RunsOnceAndSettles(new CommonSubexpressionElimination(), g);

        Assert.DoesNotContain(nt2, g.Nodes);
        Assert.Contains(nt1, g.Nodes);
        Assert.Contains(nn, g.Nodes);
        Assert.Contains(tn, g.Nodes);
        Assert.Contains(swapped, g.Nodes);
        Assert.Equal([new Value(nt1, 0), new Value(nt1, 0)], sum.Inputs);
        Assert.Equal([nt1], after.ControlInputs);
        Assert.Equal(new Value(nt1, 0), g.Outputs[1].Value);
        Assert.Equal(4, g.Nodes.Count(n => n.Op.Kind == OpKind.MatMul));
    }

    [Fact]
    public void MergingCascadesToTheReaders()
    {
        // Relu(x) twice, each read by an Add with y: both levels merge in one run.
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(5));
        var y = g.AddInput("y", TensorType.Float(5));
        var r1 = g.Add(Op.Of(OpKind.Relu), x);
        var r2 = g.Add(Op.Of(OpKind.Relu), x);
        var a1 = g.Add(Op.Of(OpKind.Add), r1, y);
        var a2 = g.Add(Op.Of(OpKind.Add), r2, y);
        g.Outputs.Add(("a1", a1));
        g.Outputs.Add(("a2", a2));

        PassAssert.RunsOnceAndSettles(new CommonSubexpressionElimination(), g);

        Assert.Equal([x, y, r1, a1], g.Nodes);
        Assert.Equal(new Value(a1, 0), g.Outputs[1].Value);
    }

    [Fact]
    public void DoesNotMergeSideEffectsInputsParametersOrDifferentControlInputs()
    {
        var g = new Ir.Graph();
        var x1 = g.AddInput("x", TensorType.Float(3));
        var x2 = g.AddInput("x", TensorType.Float(3));
        var p = g.AddParameter("p", TensorType.Float(3));
        g.AddParameter("p", TensorType.Float(3));
        var u1 = g.Add(Op.Sgd(), p, x1, HyperparameterInputs.Sgd(g, "@0.5f"));
        var u2 = g.Add(Op.Sgd(), p, x1, HyperparameterInputs.Sgd(g, "@0.5f"));
        u2.ControlInputs.Add(u1);
        var d1 = g.Add(Op.Of(OpKind.Depend), x1);
        d1.ControlInputs.Add(u1);
        var d2 = g.Add(Op.Of(OpKind.Depend), x1);
        d2.ControlInputs.Add(u2);
        var f1 = g.Add(Op.Fill(1f, 3));
        var f2 = g.Add(Op.Fill(2f, 3));
        var f3 = g.Add(Op.Fill(1f, 1, 3));
        g.Outputs.Add(("d1", d1));
        g.Outputs.Add(("d2", d2));
        g.Outputs.Add(("x2", x2));
        g.Outputs.Add(("f", g.Add(Op.Of(OpKind.Add), f1, f2)));
        g.Outputs.Add(("f3", f3));

        PassAssert.LeavesAlone(new CommonSubexpressionElimination(), g);
    }

    [Fact]
    public void MergesFillsWithTheSameValueAndShapeOnly()
    {
        var g = new Ir.Graph();
        var a = g.Add(Op.Fill(0f, 2, 2));
        var c = g.Add(Op.Fill(0f, 2, 2));
        var b = g.Add(Op.Fill(0f, 4));
        g.Outputs.Add(("a", a));
        g.Outputs.Add(("b", b));
        g.Outputs.Add(("c", c));

        PassAssert.RunsOnceAndSettles(new CommonSubexpressionElimination(), g);

        Assert.Equal([a, b], g.Nodes);
        Assert.Equal(new Value(a, 0), g.Outputs[2].Value);
    }

    [Fact]
    public void MergesEqualFillsWithADifferentFillBetweenThem()
    {
        // Fill[0] [2,2], Fill[0] [4], Fill[0] [2,2]: the first and the last are the same op on the same (no) inputs.
        var g = new Ir.Graph();
        var a = g.Add(Op.Fill(0f, 2, 2));
        var b = g.Add(Op.Fill(0f, 4));
        var c = g.Add(Op.Fill(0f, 2, 2));
        g.Outputs.Add(("a", a));
        g.Outputs.Add(("b", b));
        g.Outputs.Add(("c", c));

        PassAssert.RunsOnceAndSettles(new CommonSubexpressionElimination(), g);

        Assert.Equal([a, b], g.Nodes);
        Assert.Equal(new Value(a, 0), g.Outputs[2].Value);
    }
}
