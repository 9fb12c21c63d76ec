using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class PoolReluBackwardFusionTests
{
    private static readonly Pool2dAttributes Window = new(2, 2, 2, 2);

    /// <summary>y = Relu(h) [2,3,6,6] pooled 2x2; dx = ReluGrad(MaxPool2dBackward(y, dp), <paramref name="maskOf"/> or y).</summary>
    private static (Ir.Graph G, Node Y, Node Dp, Node Pool, Node Grad) Build(Func<Ir.Graph, Node, Node>? maskOf = null)
    {
        var g = new Ir.Graph();
        var h = g.AddInput("h", TensorType.Float(2, 3, 6, 6));
        var y = g.Add(Op.Of(OpKind.Relu), h);
        var dp = g.AddInput("dp", TensorType.Float(2, 3, 3, 3));
        var pool = g.Add(new Op { Kind = OpKind.MaxPool2dBackward, Attributes = Window }, y, dp);
        var grad = g.Add(Op.Of(OpKind.ReluGrad), pool, maskOf is null ? y : maskOf(g, h));
        return (g, y, dp, pool, grad);
    }

    [Fact]
    public void FusesTheReluGradientIntoThePoolingBackward()
    {
        var (g, y, dp, pool, grad) = Build();
        g.Outputs.Add(("dx", grad));

        PassAssert.RunsOnceAndSettles(new PoolReluBackwardFusion(), g);

        var fused = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.MaxPool2dBackward);
        Assert.Equal(Window with { ReluMask = true }, fused.Op.Attributes);
        Assert.Contains("relu-mask", fused.Op.ToString());
        Assert.Equal([new Value(y, 0), new Value(dp, 0)], fused.Inputs);
        Assert.Equal([pool.Id, grad.Id], fused.FusedFrom);
        Assert.Equal(new Value(fused, 0), g.Outputs[0].Value);
        Assert.DoesNotContain(g.Nodes, n => n.Op.Kind == OpKind.ReluGrad);
    }

    [Fact]
    public void DoesNotFuseWhenTheMaskIsAnotherTensorThanThePoolingsInput()
    {
        var (g, _, _, _, grad) = Build((graph, h) => graph.Add(Op.Of(OpKind.Relu), graph.AddInput("other", TensorType.Float(2, 3, 6, 6))));
        g.Outputs.Add(("dx", grad));

        PassAssert.LeavesAlone(new PoolReluBackwardFusion(), g);
    }

    [Fact]
    public void DoesNotFuseWhenThePoolingGradientHasAnotherReader()
    {
        var (g, _, _, pool, grad) = Build();
        g.Outputs.Add(("dx", grad));
        g.Outputs.Add(("pooled-gradient", pool));

        PassAssert.LeavesAlone(new PoolReluBackwardFusion(), g);
    }
}
