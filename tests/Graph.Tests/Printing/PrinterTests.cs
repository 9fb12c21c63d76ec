using Trainer.Graph.Tests.TestSupport;
using System.Text.RegularExpressions;
using Trainer.Graph.Ir;
using Trainer.Graph.Printing;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Printing;

public partial class PrinterTests
{
    [Fact]
    public void LinesShowOpInputsControlEdgesAndTypes()
    {
        var g = new Ir.Graph();
        var logits = g.AddInput("logits", TensorType.Float(4, 3));
        var label = g.AddInput("label", TensorType.Int(4));
        var fused = g.Add(new Op { Kind = OpKind.SoftmaxCrossEntropyFused, Scalar = 0.5f }, logits, label);
        var p = g.AddParameter("w", TensorType.Float(4, 3));
        var update = g.Add(Op.Sgd(), p, new Value(fused, 1), HyperparameterInputs.Sgd(g));
        var result = g.Add(Op.Of(OpKind.Depend), new Value(fused, 0));
        result.ControlInputs.Add(update);
        result.ControlInputs.Add(label);
        g.Outputs.Add(("loss", result));
        g.Outputs.Add(("dlogits", new Value(fused, 1)));

        Assert.Equal(
            "%0 = Input[logits]() : [4,3] float32\n" +
            "%1 = Input[label]() : [4] int32\n" +
            "%2 = SoftmaxCrossEntropyFused[dloss=0.5](%0, %1) : ([] float32, [4,3] float32)\n" +
            "%3 = Parameter[w]() : [4,3] float32\n" +
            "%4 = Input[sgd.hyperparameters(lr)]() : [1] float32\n" +
            "%5 = SgdUpdate(%3, %2.1, %4) : ()\n" +
            "%6 = Depend(%2) after(%1, %5) : [] float32\n" +
            "return loss=%6, dlogits=%2.1\n",
            GraphPrinter.Print(g).Replace("\r\n", "\n"));
    }

    [Fact]
    public void PrintFollowsTheGivenOrder()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2));
        var r = g.Add(Op.Of(OpKind.Relu), x);
        Assert.Equal("%1 = Relu(%0) : [2] float32\n%0 = Input[x]() : [2] float32\nreturn \n",
            GraphPrinter.Print(g, [r, x]).Replace("\r\n", "\n"));
    }

    [Fact]
    public void DotShowsControlEdgesDashedAndFusedNodesFilled()
    {
        var mlp = TestSupport.TestModels.TrainingStep();
        var dot = DotPrinter.Print(mlp.Graph);
        Assert.StartsWith("digraph \"step\" {", dot);
        foreach (var u in mlp.Updates)
            Assert.Contains($"  n{u.Id} -> n{mlp.Result.Id} [style=dashed, color=gray40];", dot);
        Assert.Contains($"  n{mlp.Result.Id} -> \"out_loss\";", dot);

        PassPipeline.Standard(fuse: true).Run(mlp.Graph, verify: true);
        var fusedDot = DotPrinter.Print(mlp.Graph);
        int fusedNodes = mlp.Graph.Nodes.Count(n => n.FusedFrom.Count > 0 && n.Op.Kind != OpKind.SgdUpdateMulti);
        Assert.Equal(6, fusedNodes); // GEMM+bias+ReLU, GEMM+bias, softmax-CE, GEMM+mask, two GEMM+SGD
        Assert.Equal(fusedNodes, Regex.Matches(fusedDot, "fillcolor=\"#d9f2d9\"").Count);
    }

    [Fact]
    public void DotEscapesQuotesInLabels()
    {
        var g = new Ir.Graph();
        g.AddInput("say \"hi\"", TensorType.Float(1));
        var dot = DotPrinter.Print(g);
        Assert.Contains("label=\"%0 Input[say \\\"hi\\\"]\\n[1] float32\"", dot);
    }

    [GeneratedRegex("^  (?:n\\d+|out_[A-Za-z0-9_]+|\"(?:[^\"\\\\]|\\\\.)*\") -> (?:n\\d+|out_[A-Za-z0-9_]+|\"(?:[^\"\\\\]|\\\\.)*\")")]
    private static partial Regex EdgeLine();

    [Fact]
    public void DotIsValidForAnyTitleAndOutputName()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(1));
        g.Outputs.Add(("train-loss.mean", x));
        g.Outputs.Add(("top 1", x));

        var dot = DotPrinter.Print(g, "step \"a\"");

        Assert.StartsWith("digraph \"step \\\"a\\\"\" {", dot);

        foreach (var line in dot.Replace("\r\n", "\n").Split('\n').Where(l => l.Contains("->")))
            Assert.Matches(EdgeLine(), line);
    }
}
