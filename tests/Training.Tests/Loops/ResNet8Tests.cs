using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

namespace Trainer.Training.Tests.Loops;

/// <summary>ResNet-8: its layout, eager and compiled training agreeing bit for bit, and the eval graph differing from training's where BatchNorm is.</summary>
public sealed class ResNet8Tests(CpuSession cpu) : IClassFixture<CpuSession>
{
    [Fact]
    public void Sized_from_the_data_with_nine_batch_norms_and_two_projection_shortcuts()
    {
        var net = new ResNet8(channels: 3, classes: 7);
        var names = net.NamedState().Select(s => s.Name).ToList();
        Assert.Equal([3 * 16 * 9], [(int)net.TrainableParams()[0].ElementCount]);
        Assert.Equal(18, names.Count(n => n.EndsWith(".moving_mean", StringComparison.Ordinal) || n.EndsWith(".moving_variance", StringComparison.Ordinal)));
        Assert.Contains("layer2.shortcut_conv.weight", names);
        Assert.Contains("layer3.shortcut_bn.moving_variance", names);
        Assert.DoesNotContain(names, n => n.StartsWith("layer1.shortcut", StringComparison.Ordinal));
        Assert.Equal([7, 64], net.NamedParameters().Single(p => p.Name == "fc.weight").Parameter.Shape.ToArray());
        Assert.Equal([5, 7], CellSummary.Create(net, 5, 3, 12, 12).Rows[0].OutputShape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResNet8(channels: 0));
    }

    /// <summary>Three momentum steps on a 4x1x8x8 batch: every loss and every parameter and buffer equal bit for bit eagerly and compiled.</summary>
    [Fact]
    public void Eager_and_compiled_training_agree_bit_for_bit()
    {
        var rng = new SeededRandom(5);
        var x = new HostTensor([4, 1, 8, 8], Enumerable.Range(0, 256).Select(_ => rng.NextUniform(-1f, 1f)).ToArray());
        var y = new HostTensor([4], new[] { 3, 1, 4, 1 });
        (float[] Losses, float[][] State) Train(ExecutionMode mode)
        {
            GlobalSeed.Set(11);
            var net = new ResNet8();
            cpu.Session.Place(net);
            var optimizer = new Momentum(net.TrainableParams(), 0.05f, 0.9f);
            cpu.Session.Place(optimizer);
            var lossFn = new CrossEntropyLoss();
            var gradFn = Autograd.ValueAndGrad((a, b) => lossFn.Call(net.Call(a), b), null, optimizer.Parameters);
            using var step = StepCompiler.Compile(cpu.Session, "train", (a, b) =>
            {
                var (loss, grads) = gradFn(a, b);
                return [Ops.Depend(loss, optimizer.Step(grads))];
            }, mode);
            net.SetTrain();
            var losses = Enumerable.Range(0, 3).Select(_ => step.Call(x, y)[0].Item()).ToArray();
            return (losses, net.NamedState().Select(s => s.Tensor.ToFloatArray()).ToArray());
        }
        var eager = Train(ExecutionMode.Eager);
        var graph = Train(ExecutionMode.Graph);
        Assert.Equal(eager.Losses, graph.Losses);
        Assert.Equal(eager.State, graph.State);
        Assert.True(eager.Losses[2] < eager.Losses[0], $"losses {string.Join(", ", eager.Losses)} do not fall on a repeated batch");
    }
}
