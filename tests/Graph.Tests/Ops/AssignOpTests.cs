using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Ops;

public sealed class AssignOpTests
{
    [Fact]
    public void IsASideEffectThatWritesItsTarget()
    {
        var assign = OpRegistry.Get(OpKind.Assign);
        Assert.Empty(assign.InferTypes(Op.Of(OpKind.Assign), [TensorType.Float(7), TensorType.Float(7)]));
        Assert.Equal([0], assign.WrittenInputs(Op.Of(OpKind.Assign), 2));
        var e = Assert.Throws<OpShapeException>(() => assign.InferTypes(Op.Of(OpKind.Assign), [TensorType.Float(7), TensorType.Float(1, 7)]));
        Assert.Equal("Assign: the value must have the target's shape and dtype (inputs: [7] float32, [1,7] float32)", e.Message);
    }

    [Fact]
    public void SurvivesDeadNodeEliminationAndIsOrderedAfterReads()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3));
        var running = g.AddParameter("running", TensorType.Float(3));
        var read = g.Add(Op.Of(OpKind.BiasAdd), x, running);
        var write = g.Add(Op.Of(OpKind.Assign), running, g.Add(Op.Of(OpKind.ColumnSum), x));
        g.Outputs.Add(("y", read));
        new DeadNodeElimination().Run(g);
        Assert.Contains(write, g.Nodes);
        new WriteAfterReadOrdering().Run(g);
        Assert.Contains(read, write.ControlInputs);
    }
}
