using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class SoftmaxCrossEntropyFusionTests
{
    private static (Ir.Graph G, Node Logits, Node Label, Node Loss, Node Seed, Node Grad) Build(float seedValue)
    {
        var g = new Ir.Graph();
        var logits = g.AddInput("logits", TensorType.Float(4, 3));
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label);
        var seed = g.Add(Op.Fill(seedValue));
        var grad = g.Add(Op.Of(OpKind.SoftmaxCrossEntropyGrad), logits, label, seed);
        return (g, logits, label, loss, seed, grad);
    }

    [Theory]
    [InlineData(1f, "SoftmaxCrossEntropyFused[dloss=1]")]
    [InlineData(0.25f, "SoftmaxCrossEntropyFused[dloss=0.25]")]
    public void FusesLossAndGradientWithTheFillSeedAsAttribute(float seedValue, string printed)
    {
        var (g, logits, label, loss, seed, grad) = Build(seedValue);
        var dlogits = g.Add(Op.Of(OpKind.Relu), grad);
        var after = g.Add(Op.Of(OpKind.Depend), logits);
        after.ControlInputs.Add(loss);
        g.Outputs.Add(("loss", loss));
        g.Outputs.Add(("d", dlogits));
        g.Outputs.Add(("after", after));

        PassAssert.RunsOnceAndSettles(new SoftmaxCrossEntropyFusion(), g);

        var fused = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.SoftmaxCrossEntropyFused);
        Assert.Equal(printed, fused.Op.ToString());
        Assert.Equal(seedValue, fused.Op.Scalar);
        Assert.Equal([new Value(logits, 0), new Value(label, 0)], fused.Inputs);
        Assert.Equal([TensorType.Float(), TensorType.Float(4, 3)], fused.Outputs);
        Assert.Equal([loss.Id, grad.Id], fused.FusedFrom);
        Assert.Equal(new Value(fused, 0), g.Outputs[0].Value);
        Assert.Equal([new Value(fused, 1)], dlogits.Inputs);
        Assert.Equal([fused], after.ControlInputs);
        Assert.DoesNotContain(seed, g.Nodes);
        Assert.DoesNotContain(g.Nodes, n => n.Op.Kind is OpKind.SoftmaxCrossEntropy or OpKind.SoftmaxCrossEntropyGrad);
        Assert.Equal([logits, label, fused, dlogits, after], g.Nodes);
    }

    [Fact]
    public void DoesNotFuseWhenTheSeedIsNotAFill()
    {
        var g = new Ir.Graph();
        var logits = g.AddInput("logits", TensorType.Float(4, 3));
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label);
        var dloss = g.AddInput("dloss", TensorType.Float());
        var grad = g.Add(Op.Of(OpKind.SoftmaxCrossEntropyGrad), logits, label, dloss);
        g.Outputs.Add(("loss", loss));
        g.Outputs.Add(("d", grad));

        PassAssert.LeavesAlone(new SoftmaxCrossEntropyFusion(), g);
    }

    [Fact]
    public void DoesNotFuseAGradientWithoutItsLoss()
    {
        var (g, _, _, loss, _, grad) = Build(1f);
        g.RemoveAll(n => n == loss);
        g.Outputs.Add(("d", grad));

        PassAssert.LeavesAlone(new SoftmaxCrossEntropyFusion(), g);
    }

    [Fact]
    public void DoesNotFuseALossOfOtherLogits()
    {
        var g = new Ir.Graph();
        var logits = g.AddInput("logits", TensorType.Float(4, 3));
        var other = g.AddInput("other", TensorType.Float(4, 3));
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), other, label);
        var grad = g.Add(Op.Of(OpKind.SoftmaxCrossEntropyGrad), logits, label, g.Add(Op.Fill(1f)));
        g.Outputs.Add(("loss", loss));
        g.Outputs.Add(("d", grad));

        PassAssert.LeavesAlone(new SoftmaxCrossEntropyFusion(), g);
    }
}
