using Trainer.Graph.Analysis;
using Trainer.Graph.Autodiff;
using Trainer.Graph.Ir;
using Trainer.Graph.Tests.TestSupport;

namespace Trainer.Graph.Tests.Autodiff;

public class GraphAutodiffTests
{
    [Fact]
    public void MlpGradientsHaveTheParameterShapes()
    {
        var mlp = TestModels.TrainingStep();

        Assert.Equal(mlp.Parameters.Length, mlp.Gradients.Length);
        for (int i = 0; i < mlp.Parameters.Length; i++)
        {
            Assert.Equal(mlp.Parameters[i].Type, mlp.Gradients[i].Type);
            Assert.Contains(mlp.Gradients[i], mlp.Graph.Nodes);
        }
        GraphVerifier.Verify(mlp.Graph, checkHazards: false);
    }

    [Fact]
    public void MlpGradientsUseTheExpectedRules()
    {
        var mlp = TestModels.TrainingStep();
        var (dw1, db1, dw2, db2) = (mlp.Gradients[0], mlp.Gradients[1], mlp.Gradients[2], mlp.Gradients[3]);

        // Seed and loss gradient.
        var dlogits = db2.Inputs[0].Node;
        Assert.Equal(OpKind.SoftmaxCrossEntropyGrad, dlogits.Op.Kind);
        Assert.Equal(new Value[] { mlp.Logits, mlp.Label }, dlogits.Inputs.Take(2));
        var seed = dlogits.Inputs[2].Node;
        Assert.Equal(Op.Fill(1f), seed.Op);
        Assert.Equal(TensorType.Float(), seed.Type);

        // Biases: ColumnSum of the gradient that reaches the BiasAdd.
        Assert.Equal(OpKind.ColumnSum, db2.Op.Kind);
        Assert.Equal(OpKind.ColumnSum, db1.Op.Kind);

        // fc2: Y = A·Wᵀ, so dW = dYᵀ·A = MatMul[tn](dY, A).
        Assert.Equal(Op.MatMul(true, false), dw2.Op);
        Assert.Equal(new Value[] { dlogits, mlp.Relu1 }, dw2.Inputs);

        // ReLU backward: ReluGrad(dY·W, relu output), then ColumnSum for the bias and MatMul[tn] for W1 with the flattened data.
        var dpre = db1.Inputs[0].Node;
        Assert.Equal(OpKind.ReluGrad, dpre.Op.Kind);
        Assert.Equal(new Value(mlp.Relu1, 0), dpre.Inputs[1]);
        var dh = dpre.Inputs[0].Node;
        Assert.Equal(Op.MatMul(false, false), dh.Op);
        Assert.Equal(new Value[] { dlogits, mlp.W2 }, dh.Inputs);
        Assert.Equal(Op.MatMul(true, false), dw1.Op);
        Assert.Equal(new Value[] { dpre, mlp.Flat }, dw1.Inputs);

        // Nothing is spent on the input data: no gradient flows into the Reshape or the data.
        Assert.DoesNotContain(mlp.Graph.Nodes, n => n.Op.Kind == OpKind.Reshape && n != mlp.Flat);
        Assert.Equal(1, mlp.Graph.Nodes.Count(n => n.Op.Kind == OpKind.Fill));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MatMulGradientsHaveOperandShapesForEveryTransposeCombination(bool ta, bool tb)
    {
        // op(A) [4,3], op(B) [3,2].
        var g = new Ir.Graph();
        var a = g.AddParameter("a", ta ? TensorType.Float(3, 4) : TensorType.Float(4, 3));
        var b = g.AddParameter("b", tb ? TensorType.Float(2, 3) : TensorType.Float(3, 2));
        var y = g.Add(Op.MatMul(ta, tb), a, b);
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), y, label);

        var grads = GraphAutodiff.Gradients(g, loss, [a, b]);

        Assert.Equal(a.Type, grads[0].Type);
        Assert.Equal(b.Type, grads[1].Type);
        GraphVerifier.Verify(g, checkHazards: false);
    }

    [Fact]
    public void ColumnSumOnThePathHasNoGradientRule()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(1, 3));
        var h = g.Add(Op.MatMul(false, true), x, w);
        var loss = g.Add(Op.Of(OpKind.ColumnSum), h);

        var e = Assert.Throws<GraphCompileException>(() => GraphAutodiff.Gradients(g, loss, [w]));
        Assert.Equal("ColumnSum has no gradient rule, but a gradient flows through it (inputs [4,1] float32)", e.Message);
    }

    [Fact]
    public void CountCorrectOnThePathHasNoGradientRule()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var w = g.AddParameter("w", TensorType.Float(3, 6));
        var logits = g.Add(Op.MatMul(false, true), x, w);
        var label = g.AddInput("label", TensorType.Int(4));
        var correct = g.Add(Op.Of(OpKind.CountCorrect), logits, label);

        var e = Assert.Throws<GraphCompileException>(() => GraphAutodiff.Gradients(g, correct, [w]));
        Assert.Equal("CountCorrect has no gradient rule, but a gradient flows through it (inputs [4,3] float32, [4] int32)", e.Message);
    }

    [Fact]
    public void OpsWithoutRulesOffThePathAreFine()
    {
        // A CountCorrect metric beside the loss does not need a gradient.
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var w = g.AddParameter("w", TensorType.Float(3, 6));
        var logits = g.Add(Op.MatMul(false, true), x, w);
        var label = g.AddInput("label", TensorType.Int(4));
        g.Add(Op.Of(OpKind.CountCorrect), logits, label);
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label);

        var grads = GraphAutodiff.Gradients(g, loss, [w]);
        Assert.Equal(w.Type, grads[0].Type);
    }

    [Fact]
    public void LossMustBeAScalar()
    {
        var g = new Ir.Graph();
        var w = g.AddParameter("w", TensorType.Float(2, 2));
        var notScalar = g.Add(Op.Of(OpKind.Relu), w);

        var e = Assert.Throws<GraphCompileException>(() => GraphAutodiff.Gradients(g, notScalar, [w]));
        Assert.Equal("the value differentiated must be a scalar, got [2,2] float32", e.Message);
    }

    [Fact]
    public void ParameterThatDoesNotInfluenceTheLossGetsAZeroFill()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var w = g.AddParameter("w", TensorType.Float(3, 6));
        var unused = g.AddParameter("unused", TensorType.Float(7, 2));
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), g.Add(Op.MatMul(false, true), x, w), label);

        var grads = GraphAutodiff.Gradients(g, loss, [w, unused]);

        Assert.Equal(Op.Fill(0f, 7, 2), grads[1].Op);
        Assert.Equal(TensorType.Float(7, 2), grads[1].Type);
        Assert.Empty(grads[1].Inputs);
        Assert.Equal(OpKind.MatMul, grads[0].Op.Kind);
    }

    [Fact]
    public void ParameterReadTwiceGetsItsGradientsSummed()
    {
        // Two layers share one weight: dW = dW(first use) + dW(second use).
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 3));
        var w = g.AddParameter("w", TensorType.Float(3, 3));
        var h = g.Add(Op.MatMul(false, true), x, w);
        var y = g.Add(Op.MatMul(false, true), h, w);
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), y, label);

        var dw = GraphAutodiff.Gradients(g, loss, [w])[0];

        Assert.Equal(OpKind.Add, dw.Op.Kind);
        Assert.Equal(w.Type, dw.Type);
        Assert.All(dw.Inputs, v => Assert.Equal(Op.MatMul(true, false), v.Node.Op));
        // Reverse order: the second use's gradient comes first.
        Assert.Equal(new Value(h, 0), dw.Inputs[0].Node.Inputs[1]);
        Assert.Equal(new Value(x, 0), dw.Inputs[1].Node.Inputs[1]);
    }

    [Fact]
    public void IntermediateReadTwiceGetsItsGradientsSummedBeforeItIsUsed()
    {
        // s = Relu(h) + h: dh = ds + ReluGrad(ds, Relu(h)), then dW from dh.
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(4, 6));
        var w = g.AddParameter("w", TensorType.Float(3, 6));
        var h = g.Add(Op.MatMul(false, true), x, w);
        var r = g.Add(Op.Of(OpKind.Relu), h);
        var s = g.Add(Op.Of(OpKind.Add), r, h);
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), s, label);

        var dw = GraphAutodiff.Gradients(g, loss, [w])[0];

        Assert.Equal(Op.MatMul(true, false), dw.Op);
        var dh = dw.Inputs[0].Node;
        Assert.Equal(OpKind.Add, dh.Op.Kind);
        Assert.Equal(OpKind.SoftmaxCrossEntropyGrad, dh.Inputs[0].Node.Op.Kind);
        var reluGrad = dh.Inputs[1].Node;
        Assert.Equal(OpKind.ReluGrad, reluGrad.Op.Kind);
        Assert.Equal(new Value(r, 0), reluGrad.Inputs[1]);
        Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.Add && n != s);
        GraphVerifier.Verify(g, checkHazards: false);
    }

    [Fact]
    public void GradientsFlowThroughReshapeAndDepend()
    {
        var g = new Ir.Graph();
        var w = g.AddParameter("w", TensorType.Float(2, 6));
        var flat = g.Add(Op.Reshape(4, 3), w);
        var dep = g.Add(Op.Of(OpKind.Depend), flat);
        var label = g.AddInput("label", TensorType.Int(4));
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), dep, label);

        var dw = GraphAutodiff.Gradients(g, loss, [w])[0];

        Assert.Equal(Op.Reshape(2, 6), dw.Op);
        Assert.Equal(OpKind.SoftmaxCrossEntropyGrad, dw.Inputs[0].Node.Op.Kind);
        Assert.Equal(w.Type, dw.Type);
    }
}
