using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.Passes;

public class GemmSgdFusionTests
{
    /// <summary>dY [4,3], x [4,5], w [3,5]; dW = MatMul[tn](dY, x); SgdUpdate(w, dW) after a reader of w.</summary>
    private static (Ir.Graph G, Node Dy, Node X, Node W, Node Reader, Node Mm, Node Update) Build()
    {
        var g = new Ir.Graph();
        var dy = g.AddInput("dy", TensorType.Float(4, 3));
        var x = g.AddInput("x", TensorType.Float(4, 5));
        var w = g.AddParameter("w", TensorType.Float(3, 5));
        var reader = g.Add(Op.MatMul(false, false), dy, w); // dX = dY·W reads w before the update
        var mm = g.Add(Op.MatMul(true, false), dy, x);
        var update = g.Add(Op.Sgd(), w, mm, HyperparameterInputs.Sgd(g, "@0.25f"));
        update.ControlInputs.Add(reader);
        var result = g.Add(Op.Of(OpKind.Depend), reader);
        result.ControlInputs.Add(update);
        g.Outputs.Add(("dx", result));
        return (g, dy, x, w, reader, mm, update);
    }

    [Fact]
    public void The_weight_gradient_gemm_applies_the_update_and_keeps_its_ordering()
    {
        var (g, dy, x, w, reader, mm, update) = Build();
        var lr = update.Inputs[2];

        PassAssert.RunsOnceAndSettles(new GemmSgdFusion(), g);

        var fused = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.MatMul && n.Outputs.Length == 0);
        Assert.Equal("MatMul[tn,sgd]", fused.Op.ToString());
        Assert.Equal(GemmEpilogue.SgdFlag, fused.Op.Epilogue);
        Assert.Equal([new Value(dy, 0), new Value(x, 0), new Value(w, 0), lr], fused.Inputs);
        Assert.Equal([mm.Id, update.Id], fused.FusedFrom);
        Assert.Equal([reader], fused.ControlInputs);
        Assert.Contains(fused, g.Outputs[0].Value.Node.ControlInputs);
        Assert.DoesNotContain(g.Nodes, n => n.Op.Kind == OpKind.SgdUpdate);
        Assert.Equal([2], Trainer.Graph.Ops.OpRegistry.Get(OpKind.MatMul).WrittenInputs(fused.Op, 4));
    }

    [Fact]
    public void A_gradient_with_another_reader_is_left_alone()
    {
        var (g, _, _, _, _, mm, _) = Build();
        g.Outputs.Add(("dw", mm));
        PassAssert.LeavesAlone(new GemmSgdFusion(), g);
    }

    [Fact]
    public void A_gemm_that_reads_the_parameter_it_would_update_is_left_alone()
    {
        var g = new Ir.Graph();
        var w = g.AddParameter("w", TensorType.Float(3, 3));
        var mm = g.Add(Op.MatMul(false, false), w, w);
        var update = g.Add(Op.Sgd(), w, mm, HyperparameterInputs.Sgd(g, "@0.5f"));
        var done = g.Add(Op.Fill(1f), []);
        done.ControlInputs.Add(update);
        g.Outputs.Add(("done", done));
        PassAssert.LeavesAlone(new GemmSgdFusion(), g);
    }

    [Fact]
    public void The_fused_op_checks_its_parameter_shape_and_goes_alone()
    {
        var a = TensorType.Float(4, 3);
        var b = TensorType.Float(4, 5);
        var lr = TensorType.Float(1);
        var op = Op.MatMul(true, false) with { Epilogue = GemmEpilogue.SgdFlag };
        var def = Trainer.Graph.Ops.OpRegistry.Get(OpKind.MatMul);
        Assert.Empty(def.InferTypes(op, [a, b, TensorType.Float(3, 5), lr]));
        Assert.Contains("the updated parameter must be [3,5]", Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => def.InferTypes(op, [a, b, TensorType.Float(5, 3), lr])).Message);
        Assert.Contains("input 3 must be the hyperparameter block, float32 [1]",
            Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => def.InferTypes(op, [a, b, TensorType.Float(3, 5), TensorType.Float(2)])).Message);
        var mixed = op with { Epilogue = GemmEpilogue.SgdFlag | GemmEpilogue.BiasFlag };
        Assert.Contains("goes alone", Assert.Throws<Trainer.Graph.Ops.OpShapeException>(() => def.InferTypes(mixed, [a, b, TensorType.Float(5), TensorType.Float(3, 5), lr])).Message);
    }
}
