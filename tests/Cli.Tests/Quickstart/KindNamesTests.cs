using Trainer.Cli.Quickstart;

namespace Trainer.Cli.Tests.Quickstart;

/// <summary>The names `--optimizer`, `--model` and checkpoint metadata share: each kind's name reads back as that kind, and nothing else reads.</summary>
public class KindNamesTests
{
    [Fact]
    public void Every_optimizer_name_reads_back_as_its_kind()
    {
        Assert.Equal(["sgd", "momentum", "adam"], OptimizerKinds.Names);
        foreach (var kind in Enum.GetValues<OptimizerKind>())
        {
            Assert.True(OptimizerKinds.TryParse(OptimizerKinds.Name(kind), out var parsed));
            Assert.Equal(kind, parsed);
        }
        foreach (var other in new[] { "", "SGD", "Adam ", "rmsprop" })
            Assert.False(OptimizerKinds.TryParse(other, out _));
    }

    [Fact]
    public void Every_model_name_reads_back_as_its_kind()
    {
        Assert.Equal(["mlp", "lenet", "resnet8"], ModelKinds.Names);
        foreach (var kind in Enum.GetValues<ModelKind>())
        {
            Assert.True(ModelKinds.TryParse(ModelKinds.Name(kind), out var parsed));
            Assert.Equal(kind, parsed);
        }
        foreach (var other in new[] { "", "MLP", "lenet5", "resnet" })
            Assert.False(ModelKinds.TryParse(other, out _));
    }
}
