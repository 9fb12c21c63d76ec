using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Passes;

public class ConvEpilogueFusionTests
{
    private sealed record ConvLayer(Ir.Graph G, Node X, Node W, Node B, Node Conv, Node Bias, Node Relu);

    private static readonly Conv2dAttributes Pad1 = new(1, 1, 1, 1);

    /// <summary>%0 x [2,3,7,7]; %1 w [4,3,3,3]; %2 b [4]; %3 Conv2d pad 1; %4 BiasAdd axis 1; %5 Relu.</summary>
    private static ConvLayer Build()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3, 7, 7));
        var w = g.AddParameter("w", TensorType.Float(4, 3, 3, 3));
        var b = g.AddParameter("b", TensorType.Float(4));
        var conv = g.Add(new Op { Kind = OpKind.Conv2d, Attributes = Pad1 }, x, w);
        var bias = g.Add(new Op { Kind = OpKind.BiasAdd, Attributes = new AxisAttributes(1) }, conv, b);
        var relu = g.Add(Op.Of(OpKind.Relu), bias);
        return new ConvLayer(g, x, w, b, conv, bias, relu);
    }

    [Fact]
    public void FusesConvBiasAddReluIntoOneConv()
    {
        var d = Build();
        d.G.Outputs.Add(("h", d.Relu));

        PassAssert.RunsOnceAndSettles(new ConvEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.Conv2d);
        Assert.Equal(new Op { Kind = OpKind.Conv2d, Attributes = Pad1 with { Epilogue = GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag } }, fused.Op);
        Assert.Equal("Conv2d[stride=1x1,pad=1x1,bias+relu]", fused.Op.ToString());
        Assert.Equal([new Value(d.X, 0), new Value(d.W, 0), new Value(d.B, 0)], fused.Inputs);
        Assert.Equal([d.Conv.Id, d.Bias.Id, d.Relu.Id], fused.FusedFrom);
        Assert.Equal(TensorType.Float(2, 4, 7, 7), fused.Type);
        Assert.Equal(new Value(fused, 0), d.G.Outputs[0].Value);
        Assert.DoesNotContain(d.G.Nodes, n => n.Op.Kind is OpKind.BiasAdd or OpKind.Relu);
    }

    [Fact]
    public void FusesOnlyTheBiasWhenItsResultHasAnotherReader()
    {
        var d = Build();
        d.G.Outputs.Add(("pre", d.Bias));
        d.G.Outputs.Add(("h", d.Relu));

        PassAssert.RunsOnceAndSettles(new ConvEpilogueFusion(), d.G);

        var fused = Assert.Single(d.G.Nodes, n => n.Op.Kind == OpKind.Conv2d);
        Assert.Equal("Conv2d[stride=1x1,pad=1x1,bias]", fused.Op.ToString());
        Assert.Equal([new Value(fused, 0)], d.Relu.Inputs);
    }

    [Fact]
    public void LeavesAConvWhoseOutputHasASecondReaderOrIsAStepOutput()
    {
        var d = Build();
        d.G.Outputs.Add(("h", d.Relu));
        d.G.Outputs.Add(("conv", d.Conv));
        PassAssert.LeavesAlone(new ConvEpilogueFusion(), d.G);

        var e = Build();
        var second = e.G.Add(Op.Of(OpKind.Relu), e.Conv);
        e.G.Outputs.Add(("h", e.Relu));
        e.G.Outputs.Add(("second", second));
        PassAssert.LeavesAlone(new ConvEpilogueFusion(), e.G);
    }

    [Fact]
    public void LeavesABiasOverAnotherAxisAndAMatrixBias()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3, 4, 4));
        var w = g.AddParameter("w", TensorType.Float(4, 3, 1, 1));
        var b = g.AddParameter("b", TensorType.Float(4));
        var conv = g.Add(new Op { Kind = OpKind.Conv2d, Attributes = new Conv2dAttributes(1, 1, 0, 0) }, x, w);
        var bias = g.Add(new Op { Kind = OpKind.BiasAdd, Attributes = new AxisAttributes(3) }, conv, b);
        g.Outputs.Add(("h", bias));
        PassAssert.LeavesAlone(new ConvEpilogueFusion(), g);
    }

    [Fact]
    public void TheFusedOpChecksItsBiasAndHasNoGradientRule()
    {
        var op = new Op { Kind = OpKind.Conv2d, Attributes = Pad1 with { Epilogue = GemmEpilogue.BiasFlag } };
        var def = Trainer.Graph.Ops.OpRegistry.Get(OpKind.Conv2d);
        var e = Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() =>
            def.InferTypes(op, [TensorType.Float(2, 3, 7, 7), TensorType.Float(4, 3, 3, 3), TensorType.Float(5)]));
        Assert.Equal("Conv2d[stride=1x1,pad=1x1,bias]: the bias must be float32 [4], one per output channel " +
                     "(inputs: [2,3,7,7] float32, [4,3,3,3] float32, [5] float32)", e.Message);
        Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => def.InferTypes(op, [TensorType.Float(2, 3, 7, 7), TensorType.Float(4, 3, 3, 3)]));
    }
}
