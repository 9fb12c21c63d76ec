using Trainer.Graph.Analysis;
using Trainer.Graph.Printing;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Passes;

public class GemmEpilogueFusionTests
{
    private sealed record Dense(Ir.Graph G, Node X, Node W, Node B, Node Mm, Node Bias, Node Relu);

    /// <summary>%0 x [4,6]; %1 w [5,6]; %2 b [5]; %3 MatMul[nt]; %4 BiasAdd; %5 Relu.</summary>
    private static Dense Build()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var w = g.AddParameter("w", TensorType.Float(5, 6));
        var b = g.AddParameter("b", TensorType.Float(5));
        var mm = g.Add(Op.MatMul(false, true), x, w);
        var bias = g.Add(Op.Of(OpKind.BiasAdd), mm, b);
        var relu = g.Add(Op.Of(OpKind.Relu), bias);
        return new Dense(g, x, w, b, mm, bias, relu);
    }

    [Fact]
    public void FusesMatMulBiasAddReluIntoOneMatMul()
    {
        var d = Build();
        var tail = d.G.Add(Op.Of(OpKind.Relu), d.Relu);
        d.G.Outputs.Add(("h", d.Relu));
        d.G.Outputs.Add(("t", tail));

        PassAssert.RunsOnceAndSettles(new GemmEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Equal(Op.MatMul(false, true) with { Epilogue = GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag }, fused.Op);
        Assert.Equal("MatMul[nt,bias+relu]", fused.Op.ToString());
        Assert.Equal([new Value(d.X, 0), new Value(d.W, 0), new Value(d.B, 0)], fused.Inputs);
        Assert.Equal([d.Mm.Id, d.Bias.Id, d.Relu.Id], fused.FusedFrom);
        Assert.Equal(TensorType.Float(4, 5), fused.Type);
        Assert.Equal([d.X, d.W, d.B, fused, tail], d.G.Nodes);
        Assert.Equal([new Value(fused, 0)], tail.Inputs);
        Assert.Equal(new Value(fused, 0), d.G.Outputs[0].Value);
        Assert.True(fused.Id > tail.Id, "the fused node gets a fresh id");
    }

    [Fact]
    public void FusesOnlyTheBiasWhenTheBiasAddHasAnotherReader()
    {
        var d = Build();
        d.G.Outputs.Add(("pre", d.Bias));
        d.G.Outputs.Add(("h", d.Relu));

        PassAssert.RunsOnceAndSettles(new GemmEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Equal("MatMul[nt,bias]", fused.Op.ToString());
        Assert.Equal([d.Mm.Id, d.Bias.Id], fused.FusedFrom);
        Assert.Contains(d.Relu, d.G.Nodes);
        Assert.Equal([new Value(fused, 0)], d.Relu.Inputs);
        Assert.Equal(new Value(fused, 0), d.G.Outputs[0].Value);
    }

    [Fact]
    public void DoesNotFuseWhenTheMatMulOutputHasASecondReader()
    {
        var d = Build();
        var second = d.G.Add(Op.Of(OpKind.Relu), d.Mm);
        d.G.Outputs.Add(("h", d.Relu));
        d.G.Outputs.Add(("second", second));

        PassAssert.LeavesAlone(new GemmEpilogueFusion(), d.G);
    }

    [Fact]
    public void DoesNotFuseWhenTheMatMulIsAStepOutput()
    {
        var d = Build();
        d.G.Outputs.Add(("h", d.Relu));
        d.G.Outputs.Add(("mm", d.Mm));

        PassAssert.LeavesAlone(new GemmEpilogueFusion(), d.G);
    }

    [Fact]
    public void MovesControlEdgesToTheFusedNode()
    {
        var d = Build();
        var before = d.G.AddInput("before", TensorType.Float(1));
        d.Bias.ControlInputs.Add(before);
        var after = d.G.Add(Op.Of(OpKind.Depend), d.X);
        after.ControlInputs.Add(d.Mm);
        d.G.Outputs.Add(("h", d.Relu));
        d.G.Outputs.Add(("after", after));

        PassAssert.RunsOnceAndSettles(new GemmEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Equal([before], fused.ControlInputs);
        Assert.Equal([fused], after.ControlInputs);
    }

    [Fact]
    public void ControlEdgeBetweenFusedNodesDoesNotBecomeASelfLoop()
    {
        // BiasAdd after(MatMul) is redundant (it reads it anyway) but legal; fusing must drop it.
        var d = Build();
        d.Bias.ControlInputs.Add(d.Mm);
        d.G.Outputs.Add(("h", d.Relu));
        GraphVerifier.Verify(d.G);

        PassAssert.RunsOnceAndSettles(new GemmEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Empty(fused.ControlInputs);
    }
}
