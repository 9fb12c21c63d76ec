using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Tests.TestSupport;

namespace Trainer.Graph.Tests.Compilation;

/// <summary>GraphProgram.Build (passes, verify, schedule, plan) on the hand-built MLP step; no device involved.</summary>
public class GraphProgramTests
{
    [Fact]
    public void FusedMlpStepHasNineLaunches()
    {
        var mlp = TestModels.TrainingStep();
        var reluGrad = mlp.Gradients[1].Inputs[0].Node;
        int reluGradId = reluGrad.Id, dhId = reluGrad.Inputs[0].Node.Id;
        var program = GraphProgram.Build(mlp.Graph, new CompileOptions());

        Assert.Equal(18, program.Schedule.Count); // 17 nodes and the hyperparameter block's input
        Assert.Equal(9, program.Launches);
        var kinds = program.Schedule.Select(n => n.Op.ToString()).ToList();
        Assert.Equal(
            ["MatMul[nt,bias+relu]", "MatMul[nt,bias]", "SoftmaxCrossEntropyFused[dloss=1]", "ColumnSum", "MatMul[nn,relu-mask]",
             "ColumnSum", "MatMul[tn,sgd]", "MatMul[tn,sgd]", "SgdUpdateMulti", "Depend"],
            kinds.Skip(8));
        Assert.Equal("Input[sgd.hyperparameters(lr)]", kinds[7]); // the learning rate: an input of the step, not a constant

        // Each weight's gradient GEMM applies its update; the biases' updates are one launch.
        var weightUpdates = program.Graph.Nodes.Where(n => n.Op.Kind == OpKind.MatMul && n.Outputs.Length == 0).ToList();
        Assert.Equal([mlp.Parameters[0], mlp.Parameters[2]], weightUpdates.Select(n => n.Inputs[2].Node));
        Assert.Equal([[mlp.Gradients[0].Id, mlp.Updates[0].Id], [mlp.Gradients[2].Id, mlp.Updates[2].Id]], weightUpdates.Select(n => n.FusedFrom.ToArray()));
        var multi = Assert.Single(program.Graph.Nodes, n => n.Op.Kind == OpKind.SgdUpdateMulti);
        Assert.Equal([mlp.Updates[1].Id, mlp.Updates[3].Id], multi.FusedFrom);
        Assert.Equal([new Value(mlp.Parameters[1], 0), new Value(mlp.Parameters[3], 0), new Value(mlp.Gradients[1], 0), new Value(mlp.Gradients[3], 0), mlp.Updates[0].Inputs[2]], multi.Inputs);

        // The write of fc2.weight waits for the fused GEMM that reads it for the input gradient.
        var dhMasked = Assert.Single(program.Graph.Nodes, n => n.Op.ToString() == "MatMul[nn,relu-mask]");
        Assert.Equal([dhMasked], weightUpdates[1].ControlInputs);
        Assert.Empty(weightUpdates[0].ControlInputs);
        Assert.Equal([dhId, reluGradId], dhMasked.FusedFrom);

        // The step returns the loss after every update.
        var result = program.Graph.Outputs.Single().Value.Node;
        Assert.Equal(mlp.Result, result);
        Assert.Equal([weightUpdates[0], weightUpdates[1], multi], result.ControlInputs);
        Assert.Equal(program.Schedule[^1], result);
    }

    [Fact]
    public void UnfusedMlpStepHasOneLaunchPerPrimitive()
    {
        var mlp = TestModels.TrainingStep();
        var program = GraphProgram.Build(mlp.Graph, new CompileOptions(Fuse: false));

        Assert.Equal(27, program.Schedule.Count); // 26 nodes and the hyperparameter block's input
        Assert.Equal(18, program.Launches);
        Assert.Equal(mlp.Graph.Nodes.Select(n => n.Id), program.Schedule.Select(n => n.Id));
        // WAR: fc2.weight's update waits for dY·W2 (the only reader of W2 not already before it).
        var dh = mlp.Graph.Nodes.Single(n => n.Op == Op.MatMul(false, false));
        Assert.Equal([dh], mlp.Updates[2].ControlInputs);
        Assert.All(new[] { mlp.Updates[0], mlp.Updates[1], mlp.Updates[3] }, u => Assert.Empty(u.ControlInputs));
    }

    [Fact]
    public void BuildWithoutVerifyGivesTheSameProgram()
    {
        var a = GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions(Verify: true));
        var b = GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions(Verify: false));
        Assert.Equal(a.Schedule.Select(n => n.Id), b.Schedule.Select(n => n.Id));
        Assert.Equal(a.Memory.ArenaBytes, b.Memory.ArenaBytes);
    }

    [Fact]
    public void BuildRejectsAStepWithACycle()
    {
        var mlp = TestModels.TrainingStep();
        mlp.Mm1.ControlInputs.Add(mlp.Loss);

        var e = Assert.Throws<GraphCompileException>(() => GraphProgram.Build(mlp.Graph, new CompileOptions()));
        Assert.StartsWith("cycle in graph: ", e.Message);
    }
}
