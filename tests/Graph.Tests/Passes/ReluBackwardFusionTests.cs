using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Passes;

public class ReluBackwardFusionTests
{
    /// <summary>dY [4,3], W [3,5], y = Relu(h) [4,5]; dx = ReluGrad(MatMul[nn](dY, W), y).</summary>
    private static (Ir.Graph G, Node Dy, Node W, Node Y, Node Mm, Node Grad) Build(Op? matmul = null)
    {
        var g = new Ir.Graph();
        var h = g.AddInput("h", TensorType.Float(4, 5));
        var y = g.Add(Op.Of(OpKind.Relu), h);
        var dy = g.AddInput("dy", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(3, 5));
        var mm = g.Add(matmul ?? Op.MatMul(false, false), dy, w);
        var grad = g.Add(Op.Of(OpKind.ReluGrad), mm, y);
        return (g, dy, w, y, mm, grad);
    }

    [Fact]
    public void FusesReluGradIntoTheGemmAsAMask()
    {
        var (g, dy, w, y, mm, grad) = Build();
        g.Outputs.Add(("dx", grad));

        PassAssert.RunsOnceAndSettles(new ReluBackwardFusion(), g);

        var fused = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Equal("MatMul[nn,relu-mask]", fused.Op.ToString());
        Assert.Equal(GemmEpilogue.MaskFlag, fused.Op.Epilogue);
        Assert.Equal([new Value(dy, 0), new Value(w, 0), new Value(y, 0)], fused.Inputs);
        Assert.Equal([mm.Id, grad.Id], fused.FusedFrom);
        Assert.Equal(new Value(fused, 0), g.Outputs[0].Value);
        Assert.DoesNotContain(g.Nodes, n => n.Op.Kind == OpKind.ReluGrad);
    }

    [Fact]
    public void KeepsABiasEpilogueAndAddsTheMaskAfterIt()
    {
        var g = new Ir.Graph();
        var h = g.AddInput("h", TensorType.Float(4, 5));
        var y = g.Add(Op.Of(OpKind.Relu), h);
        var dy = g.AddInput("dy", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(3, 5));
        var b = g.AddParameter("b", TensorType.Float(5));
        var mm = g.Add(Op.MatMul(false, false) with { Epilogue = GemmEpilogue.BiasFlag }, dy, w, b);
        g.Outputs.Add(("dx", g.Add(Op.Of(OpKind.ReluGrad), mm, y)));

        PassAssert.RunsOnceAndSettles(new ReluBackwardFusion(), g);

        var fused = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.MatMul);
        Assert.Equal("MatMul[nn,bias+relu-mask]", fused.Op.ToString());
        Assert.Equal([new Value(dy, 0), new Value(w, 0), new Value(b, 0), new Value(y, 0)], fused.Inputs);
    }

    [Fact]
    public void DoesNotFuseWhenTheGemmHasAnotherReader()
    {
        var (g, _, _, _, mm, grad) = Build();
        g.Outputs.Add(("dx", grad));
        g.Outputs.Add(("other", g.Add(Op.Of(OpKind.Relu), mm)));

        PassAssert.LeavesAlone(new ReluBackwardFusion(), g);
    }

    [Theory]
    [InlineData(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag)]
    [InlineData(GemmEpilogue.MaskFlag)]
    [InlineData(GemmEpilogue.BiasFlag | GemmEpilogue.MaskFlag)]
    public void DoesNotFuseIntoAGemmThatAlreadyHasAReluOrMask(int epilogue)
    {
        var g = new Ir.Graph();
        var h = g.AddInput("h", TensorType.Float(4, 5));
        var y = g.Add(Op.Of(OpKind.Relu), h);
        var dy = g.AddInput("dy", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(3, 5));
        var inputs = new List<Value> { dy, w };
        if ((epilogue & GemmEpilogue.BiasFlag) != 0) inputs.Add(g.AddParameter("b", TensorType.Float(5)));
        if ((epilogue & GemmEpilogue.MaskFlag) != 0) inputs.Add(y);
        var mm = g.Add(Op.MatMul(false, false) with { Epilogue = epilogue }, inputs.ToArray());
        g.Outputs.Add(("dx", g.Add(Op.Of(OpKind.ReluGrad), mm, y)));

        PassAssert.LeavesAlone(new ReluBackwardFusion(), g);
    }

    [Fact]
    public void DoesNotFuseANonGemm()
    {
        var g = new Ir.Graph();
        var h = g.AddInput("h", TensorType.Float(4, 5));
        var y = g.Add(Op.Of(OpKind.Relu), h);
        var sum = g.Add(Op.Of(OpKind.Add), h, h);
        g.Outputs.Add(("dx", g.Add(Op.Of(OpKind.ReluGrad), sum, y)));

        PassAssert.LeavesAlone(new ReluBackwardFusion(), g);
    }

    [Fact]
    public void ReluGradOfAGemmWithItselfAsMaskStaysValid()
    {
        var g = new Ir.Graph();
        var a = g.AddInput("a", TensorType.Float(2, 2));
        var b = g.AddInput("b", TensorType.Float(2, 2));
        var mm = g.Add(Op.MatMul(false, false), a, b);
        g.Outputs.Add(("r", g.Add(Op.Of(OpKind.ReluGrad), mm, mm)));

        new ReluBackwardFusion().Run(g);

        GraphVerifier.Verify(g);
    }
}
