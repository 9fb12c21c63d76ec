using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Nn;

/// <summary>
/// Conv + BatchNorm (+ ReLU) in an eval graph: the fused compile folds the BatchNorm's scale into the convolution's
/// weight and its shift and the ReLU into the epilogue, and its output stays within 1e-5 relative of the unfused
/// graph's (which equals eager evaluation bit for bit); a training graph is left alone.
/// </summary>
public sealed class ConvBatchNormFoldingTests(CpuSession cpu) : IClassFixture<CpuSession>
{
    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(3, 65, 1)]
    public void Eval_graph_folds_the_scale_into_the_weight_within_bound(int channels, int features, int size)
    {
        var session = cpu.Session;
        GlobalSeed.Set(3);
        var net = new SequentialCell(new Conv2d(channels, features, 3, padding: 1), new BatchNorm2d(features), new ReLU());
        session.Place(net);
        var bn = (BatchNorm)net.NameCells()[1].Cell;
        session.Assign(bn.Gamma, PrimitiveCheck.Uniform(1, features, -2f, 2f));
        session.Assign(bn.Beta, PrimitiveCheck.Uniform(2, features, -1f, 1f));
        session.Assign(bn.MovingMean, PrimitiveCheck.Uniform(3, features, -0.5f, 0.5f));
        session.Assign(bn.MovingVariance, PrimitiveCheck.Uniform(4, features, 0.05f, 3f));
        int[] shape = [4, channels, size, size];
        var x = new HostTensor(shape, PrimitiveCheck.Uniform(5, PrimitiveCheck.Count(shape), -2f, 2f));
        net.SetTrain(false);

        using var fused = new GraphFunction(session, "fused", xs => [net.Call(xs[0])], ["x"], ["y"], new CompileOptions());
        using var unfused = new GraphFunction(session, "unfused", xs => [net.Call(xs[0])], ["x"], ["y"], new CompileOptions(Fuse: false));
        var folded = fused.Call(x)[0].ToFloatArray();
        var plain = unfused.Call(x)[0].ToFloatArray();
        float[] eager;
        using (session.Scope()) eager = net.Call(session.ToDevice(x)).ToFloatArray();
        Assert.Equal(eager, plain);
        for (int i = 0; i < plain.Length; i++)
            Assert.True(Math.Abs(folded[i] - plain[i]) <= 1e-5 * Math.Max(1, Math.Abs(plain[i])), $"y[{i}]: folded {folded[i]:R}, unfused {plain[i]:R}");

        var graph = fused.Trace([TensorType.Float(shape)]).Graph;
        var optimized = GraphProgram.Build(graph, new CompileOptions()).Graph;
        Assert.DoesNotContain(optimized.Nodes, n => n.Op.Definition is MulOp && n.Type.Rank == 4 && n.Type[0] == 4);
        var conv = Assert.Single(optimized.Nodes, n => n.Op.Kind == OpKind.Conv2d);
        Assert.Equal(OpKind.Extension, conv.Inputs[1].Node.Op.Kind); // the weight times the scale
        Assert.Contains("relu", conv.Op.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_training_graph_keeps_its_scale_after_the_convolution()
    {
        var net = new SequentialCell(new Conv2d(2, 3, 3), new BatchNorm2d(3));
        var tracer = new Trainer.Training.Execution.Tracer("train");
        var x = tracer.AddInput("x", TensorType.Float(2, 2, 5, 5));
        using (tracer.Activate()) tracer.Graph.Outputs.Add(("y", tracer.Lift(net.Call(x)).Node!));
        var optimized = GraphProgram.Build(tracer.Graph, new CompileOptions()).Graph;
        Assert.Contains(optimized.Nodes, n => n.Op.Kind == OpKind.Assign);
        var conv = Assert.Single(optimized.Nodes, n => n.Op.Kind == OpKind.Conv2d);
        Assert.Contains(optimized.Nodes, n => n.Op.Definition is BatchNormTrainingOp && n.Inputs[0].Node == conv); // normalised with the batch's statistics, not folded
    }
}
