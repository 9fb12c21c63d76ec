using Trainer.Cli.Diagnostics;
using Trainer.Cli.Quickstart;
using Trainer.Training.Loops;

namespace Trainer.Cli.Tests.Diagnostics;

/// <summary>`trainer graph`'s step text: the eval step of a model with BatchNorm is traced in eval mode.</summary>
public sealed class StepGraphTextTests
{
    [Fact]
    public void The_eval_graph_normalises_with_moving_statistics_and_writes_none()
    {
        string train = StepGraphText.Render(GraphStage.Traced, dot: false, trainStep: true, batchSize: 2, fuse: true, model: ModelKind.ResNet8);
        string eval = StepGraphText.Render(GraphStage.Traced, dot: false, trainStep: false, batchSize: 2, fuse: true, model: ModelKind.ResNet8);
        static int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));
        Assert.Equal(18, Count(train, " Assign("));
        Assert.Equal(0, Count(eval, " Assign("));
        Assert.Equal(9, Count(train, " BatchNormTraining[")); // one fused op per BatchNorm: the batch's mean and variance, and y
        Assert.Equal(9, Count(train, " BatchNormTrainingGrad["));
        Assert.Equal(0, Count(eval, " BatchNormTraining"));
        Assert.Equal(18, Count(eval, "moving_"));
    }
}
