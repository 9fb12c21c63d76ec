using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Ops;

public class OpTypeRuleTests
{
    private static TensorType[] Infer(Op op, params TensorType[] inputs) => OpRegistry.Get(op.Kind).InferTypes(op, inputs);

    private static string Error(Op op, params TensorType[] inputs) =>
        Assert.Throws<OpShapeException>(() => Infer(op, inputs)).Message;

    [Fact]
    public void MatMulWithMismatchedInnerDimensionsNamesTheOpAndBothInputs()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(2, 4));

        var e = Assert.Throws<OpShapeException>(() => g.Add(Op.MatMul(false, true), x, w));

        Assert.Equal("MatMul[nt]: inner dimensions differ (3 vs 4) (inputs: [4,3] float32, [2,4] float32)", e.Message);
        Assert.Equal(2, g.Nodes.Count);
    }

    [Theory]
    [InlineData(false, false, new[] { 4, 3 }, new[] { 3, 2 }, new[] { 4, 2 })]
    [InlineData(false, true, new[] { 4, 3 }, new[] { 2, 3 }, new[] { 4, 2 })]
    [InlineData(true, false, new[] { 3, 4 }, new[] { 3, 2 }, new[] { 4, 2 })]
    [InlineData(true, true, new[] { 3, 4 }, new[] { 2, 3 }, new[] { 4, 2 })]
    public void MatMulShapesForEveryTransposeCombination(bool ta, bool tb, int[] a, int[] b, int[] y) =>
        Assert.Equal([TensorType.Float(y)], Infer(Op.MatMul(ta, tb), TensorType.Float(a), TensorType.Float(b)));

    [Fact]
    public void MatMulOtherErrors()
    {
        Assert.Equal("MatMul[nn]: both operands must be 2-D (inputs: [4] float32, [4,2] float32)",
            Error(Op.MatMul(false, false), TensorType.Float(4), TensorType.Float(4, 2)));
        Assert.Equal("MatMul[nn]: input 1 must be float32 (inputs: [4,3] float32, [3,2] int32)",
            Error(Op.MatMul(false, false), TensorType.Float(4, 3), TensorType.Int(3, 2)));
        Assert.Equal("MatMul[nn]: expected 2 inputs, got 1 (inputs: [4,3] float32)",
            Error(Op.MatMul(false, false), TensorType.Float(4, 3)));

        var withBias = Op.MatMul(false, true) with { Epilogue = GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag };
        Assert.Equal([TensorType.Float(4, 2)], Infer(withBias, TensorType.Float(4, 3), TensorType.Float(2, 3), TensorType.Float(2)));
        Assert.Equal("MatMul[nt,bias+relu]: bias must be [2] (inputs: [4,3] float32, [2,3] float32, [3] float32)",
            Error(withBias, TensorType.Float(4, 3), TensorType.Float(2, 3), TensorType.Float(3)));
        Assert.Equal("MatMul[nt,bias+relu]: expected 3 inputs, got 2 (inputs: [4,3] float32, [2,3] float32)",
            Error(withBias, TensorType.Float(4, 3), TensorType.Float(2, 3)));

        var masked = Op.MatMul(false, false) with { Epilogue = GemmEpilogue.MaskFlag };
        Assert.Equal("MatMul[nn,relu-mask]: mask must be [4,2] (inputs: [4,3] float32, [3,2] float32, [2,4] float32)",
            Error(masked, TensorType.Float(4, 3), TensorType.Float(3, 2), TensorType.Float(2, 4)));
    }

    [Theory]
    [InlineData(new[] { 4, 1, 2, 3 }, new[] { 4, -1 }, new[] { 4, 6 })]
    [InlineData(new[] { 4, 6 }, new[] { -1 }, new[] { 24 })]
    [InlineData(new[] { 4, 6 }, new[] { 2, -1, 3 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 24 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 })]
    [InlineData(new int[0], new[] { 1, -1 }, new[] { 1, 1 })]
    [InlineData(new[] { 0, 5 }, new[] { 5, 0 }, new[] { 5, 0 })]
    public void ReshapeInfersMinusOne(int[] input, int[] target, int[] expected) =>
        Assert.Equal([TensorType.Float(expected)], Infer(Op.Reshape(target), TensorType.Float(input)));

    [Fact]
    public void ReshapeKeepsTheElementType() =>
        Assert.Equal([TensorType.Int(2, 2)], Infer(Op.Reshape(2, -1), TensorType.Int(4)));

    [Fact]
    public void ReshapeErrors()
    {
        Assert.Equal("Reshape[[5,5]]: 24 elements do not fit [5,5] (inputs: [4,6] float32)",
            Error(Op.Reshape(5, 5), TensorType.Float(4, 6)));
        Assert.Equal("Reshape[[5,-1]]: cannot infer -1 for 24 elements (inputs: [4,6] float32)",
            Error(Op.Reshape(5, -1), TensorType.Float(4, 6)));
        Assert.Equal("Reshape[[0,-1]]: cannot infer -1 for 24 elements (inputs: [4,6] float32)",
            Error(Op.Reshape(0, -1), TensorType.Float(4, 6)));
        Assert.Equal("Reshape[[-1,-1]]: target dimensions must be >= 0, with at most one -1 (inputs: [4,6] float32)",
            Error(Op.Reshape(-1, -1), TensorType.Float(4, 6)));
        Assert.Equal("Reshape[[4,-2]]: target dimensions must be >= 0, with at most one -1 (inputs: [4,6] float32)",
            Error(Op.Reshape(4, -2), TensorType.Float(4, 6)));
    }

    [Fact]
    public void ReshapeWithoutATargetShapeIsAShapeError()
    {
        var e = Assert.Throws<OpShapeException>(() => Infer(Op.Of(OpKind.Reshape), TensorType.Float(4, 6)));
        Assert.Contains("no target shape", e.Message);
        Assert.EndsWith("(inputs: [4,6] float32)", e.Message);
    }

    [Fact]
    public void SoftmaxCrossEntropyTypes()
    {
        var sce = Op.Of(OpKind.SoftmaxCrossEntropy);
        Assert.Equal([TensorType.Float()], Infer(sce, TensorType.Float(4, 3), TensorType.Int(4)));
        Assert.Equal([TensorType.Float(), TensorType.Float(4, 3)],
            Infer(new Op { Kind = OpKind.SoftmaxCrossEntropyFused, Scalar = 1 }, TensorType.Float(4, 3), TensorType.Int(4)));
        Assert.Equal([TensorType.Float(4, 3)],
            Infer(Op.Of(OpKind.SoftmaxCrossEntropyGrad), TensorType.Float(4, 3), TensorType.Int(4), TensorType.Float()));
        Assert.Equal([TensorType.Int()], Infer(Op.Of(OpKind.CountCorrect), TensorType.Float(4, 3), TensorType.Int(4)));
    }

    [Fact]
    public void SoftmaxCrossEntropyLabelErrors()
    {
        var sce = Op.Of(OpKind.SoftmaxCrossEntropy);
        Assert.Equal("SoftmaxCrossEntropy: labels must be int32 [4] (inputs: [4,3] float32, [4] float32)",
            Error(sce, TensorType.Float(4, 3), TensorType.Float(4)));
        Assert.Equal("SoftmaxCrossEntropy: labels must be int32 [4] (inputs: [4,3] float32, [5] int32)",
            Error(sce, TensorType.Float(4, 3), TensorType.Int(5)));
        Assert.Equal("SoftmaxCrossEntropy: labels must be int32 [4] (inputs: [4,3] float32, [4,1] int32)",
            Error(sce, TensorType.Float(4, 3), TensorType.Int(4, 1)));
        Assert.Equal("SoftmaxCrossEntropy: logits must be float32 [batch,classes] (inputs: [12] float32, [4] int32)",
            Error(sce, TensorType.Float(12), TensorType.Int(4)));
        Assert.Equal("SoftmaxCrossEntropy: logits must be float32 [batch,classes] (inputs: [4,3] int32, [4] int32)",
            Error(sce, TensorType.Int(4, 3), TensorType.Int(4)));
        Assert.Equal("SoftmaxCrossEntropyGrad: dloss must be a float32 scalar (inputs: [4,3] float32, [4] int32, [2] float32)",
            Error(Op.Of(OpKind.SoftmaxCrossEntropyGrad), TensorType.Float(4, 3), TensorType.Int(4), TensorType.Float(2)));
        Assert.Equal("CountCorrect: labels must be int32 [4] (inputs: [4,3] float32, [3] int32)",
            Error(Op.Of(OpKind.CountCorrect), TensorType.Float(4, 3), TensorType.Int(3)));
    }

    [Fact]
    public void GraphAddReportsTheSameErrors()
    {
        var g = new Ir.Graph();
        var logits = g.AddInput("logits", TensorType.Float(4, 3));
        var label = g.AddInput("label", TensorType.Float(4));
        var e = Assert.Throws<OpShapeException>(() => g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label));
        Assert.Equal("SoftmaxCrossEntropy: labels must be int32 [4] (inputs: [4,3] float32, [4] float32)", e.Message);
    }

    [Fact]
    public void ElementwiseAndUpdateErrors()
    {
        Assert.Equal("Add: shapes differ (inputs: [2,3] float32, [3,2] float32)",
            Error(Op.Of(OpKind.Add), TensorType.Float(2, 3), TensorType.Float(3, 2)));
        Assert.Equal("BiasAdd: expected x [rows,n] and bias [n] (inputs: [4,5] float32, [4] float32)",
            Error(Op.Of(OpKind.BiasAdd), TensorType.Float(4, 5), TensorType.Float(4)));
        Assert.Equal("ReluGrad: dy and y must have the same shape (inputs: [4,5] float32, [5,4] float32)",
            Error(Op.Of(OpKind.ReluGrad), TensorType.Float(4, 5), TensorType.Float(5, 4)));
        Assert.Equal("ColumnSum: expected a 2-D input (inputs: [4] float32)",
            Error(Op.Of(OpKind.ColumnSum), TensorType.Float(4)));
        var lr = TensorType.Float(1);
        Assert.Equal("SgdUpdate: parameter and gradient shapes differ (inputs: [2,3] float32, [3,2] float32, [1] float32)",
            Error(Op.Sgd(), TensorType.Float(2, 3), TensorType.Float(3, 2), lr));
        Assert.Empty(Infer(Op.Sgd(), TensorType.Float(2, 3), TensorType.Float(2, 3), lr));
        Assert.Equal("SgdUpdate: input 2 must be the hyperparameter block, float32 [1] (inputs: [2,3] float32, [2,3] float32, [2] float32)",
            Error(Op.Sgd(), TensorType.Float(2, 3), TensorType.Float(2, 3), TensorType.Float(2)));
        Assert.Equal("SgdUpdate: expected 3 inputs, got 2 (inputs: [2,3] float32, [2,3] float32)",
            Error(Op.Sgd(), TensorType.Float(2, 3), TensorType.Float(2, 3)));

        var multi = Op.Of(OpKind.SgdUpdateMulti);
        Assert.Empty(Infer(multi, TensorType.Float(2), TensorType.Float(3), TensorType.Float(2), TensorType.Float(3), lr));
        Assert.Equal("SgdUpdateMulti: parameter 1 and its gradient differ in shape (inputs: [2] float32, [3] float32, [2] float32, [2] float32, [1] float32)",
            Error(multi, TensorType.Float(2), TensorType.Float(3), TensorType.Float(2), TensorType.Float(2), lr));
        Assert.Equal("SgdUpdateMulti: expected n parameters, n gradients, then the hyperparameter block (inputs: [2] float32, [3] float32, [2] float32, [3] float32)",
            Error(multi, TensorType.Float(2), TensorType.Float(3), TensorType.Float(2), TensorType.Float(3)));
    }

    [Fact]
    public void AliasesAndLaunches()
    {
        Assert.True(OpRegistry.Get(OpKind.Reshape).IsAlias);
        Assert.True(OpRegistry.Get(OpKind.Depend).IsAlias);
        Assert.False(OpRegistry.Get(OpKind.MatMul).IsAlias);
        Assert.Equal(0, OpRegistry.Get(OpKind.Reshape).Launches);
        Assert.Equal(0, OpRegistry.Get(OpKind.Depend).Launches);
        Assert.Equal(0, OpRegistry.Get(OpKind.Input).Launches);
        Assert.Equal(0, OpRegistry.Get(OpKind.Parameter).Launches);
        Assert.Equal(1, OpRegistry.Get(OpKind.SgdUpdateMulti).Launches);
        Assert.Equal([0], OpRegistry.Get(OpKind.SgdUpdate).WrittenInputs(Op.Sgd(), 3));
        Assert.Equal([0, 1, 2], OpRegistry.Get(OpKind.SgdUpdateMulti).WrittenInputs(Op.Of(OpKind.SgdUpdateMulti), 7));
        foreach (var kind in Enum.GetValues<OpKind>().Where(k => k != OpKind.Extension)) // an extension op carries its definition
            Assert.Equal(kind, OpRegistry.Get(kind).Kind);
    }

    private static Op ChannelBias(int axis) => new() { Kind = OpKind.BiasAdd, Attributes = new AxisAttributes(axis) };

    [Fact]
    public void BiasAddAlongAnAxisOfAnNchwTensor()
    {
        Assert.Equal([TensorType.Float(2, 3, 4, 5)], Infer(ChannelBias(1), TensorType.Float(2, 3, 4, 5), TensorType.Float(3)));
        Assert.Equal("BiasAdd[axis=1]: expected a bias of x's axis-1 length, [3] (inputs: [2,3,4,5] float32, [4] float32)",
            Error(ChannelBias(1), TensorType.Float(2, 3, 4, 5), TensorType.Float(4)));
        Assert.Equal("BiasAdd[axis=4]: axis 4 is outside x's 4 axes (inputs: [2,3,4,5] float32, [3] float32)",
            Error(ChannelBias(4), TensorType.Float(2, 3, 4, 5), TensorType.Float(3)));
        var sum = new Op { Kind = OpKind.ColumnSum, Attributes = new AxisAttributes(1) };
        Assert.Equal([TensorType.Float(3)], Infer(sum, TensorType.Float(2, 3, 4, 5)));
        Assert.NotEqual(ChannelBias(1), Op.Of(OpKind.BiasAdd));
        Assert.NotEqual(ChannelBias(1), ChannelBias(2));
    }

    [Fact]
    public void ChannelBiasGradientIsTheSumOverTheSameAxisAndItDoesNotFuseIntoAGemm()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 6));
        var w = g.AddParameter("w", TensorType.Float(6, 6));
        var b = g.AddParameter("b", TensorType.Float(2));
        var labels = g.AddInput("labels", TensorType.Int(2));
        var mm = g.Add(Op.MatMul(false, false), x, w);
        var biased = g.Add(ChannelBias(0), mm, b);
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), biased, labels);
        var grads = Trainer.Graph.Autodiff.GraphAutodiff.Gradients(g, loss, [b]);
        Assert.Equal("ColumnSum[axis=0]", grads[0].Op.ToString());
        Assert.Equal(TensorType.Float(2), grads[0].Type);
        g.Outputs.Add(("loss", loss));
        g.Outputs.Add(("db", grads[0]));
        Assert.False(new Trainer.Graph.Passes.GemmEpilogueFusion().Run(g));
    }

    [Fact]
    public void ConvolutionAndPoolingShapesAndErrors()
    {
        var conv = new Op { Kind = OpKind.Conv2d, Attributes = new Conv2dAttributes(2, 2, 1, 1) };
        Assert.Equal([TensorType.Float(3, 4, 4, 3)], Infer(conv, TensorType.Float(3, 2, 7, 6), TensorType.Float(4, 2, 3, 3)));
        Assert.Equal("Conv2d[stride=2x2,pad=1x1]: x has 2 channels but the weight expects 3 (inputs: [3,2,7,6] float32, [4,3,3,3] float32)",
            Error(conv, TensorType.Float(3, 2, 7, 6), TensorType.Float(4, 3, 3, 3)));
        var pool = new Op { Kind = OpKind.MaxPool2d, Attributes = new Pool2dAttributes(2, 2, 2, 2) };
        Assert.Equal([TensorType.Float(8, 6, 14, 14)], Infer(pool, TensorType.Float(8, 6, 28, 28)));
        Assert.Equal("MaxPool2d[kernel=2x2,stride=2x2]: a 2x2 window does not fit a 1x5 input (inputs: [1,1,1,5] float32)",
            Error(pool, TensorType.Float(1, 1, 1, 5)));
        var data = new Op { Kind = OpKind.Conv2dBackwardData, Attributes = new Conv2dAttributes(2, 2, 1, 1, 7, 6) };
        Assert.Equal([TensorType.Float(3, 2, 7, 6)], Infer(data, TensorType.Float(3, 4, 4, 3), TensorType.Float(4, 2, 3, 3)));
        var filter = new Op { Kind = OpKind.Conv2dBackwardFilter, Attributes = new Conv2dAttributes(2, 2, 1, 1, 3, 3) };
        Assert.Equal([TensorType.Float(4, 2, 3, 3)], Infer(filter, TensorType.Float(3, 2, 7, 6), TensorType.Float(3, 4, 4, 3)));
        Assert.Equal("Conv2dBackwardFilter[stride=2x2,pad=1x1,extent=3x3]: dy must be [3,4,4,3] for this convolution (inputs: [3,2,7,6] float32, [3,4,5,3] float32)",
            Error(filter, TensorType.Float(3, 2, 7, 6), TensorType.Float(3, 4, 5, 3)));
    }
}
