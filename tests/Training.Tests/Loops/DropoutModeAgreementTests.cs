using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Loops;

/// <summary>
/// The zoo's MLP and LeNet-5 with Dropout(0.5) before each hidden Dense, 60 steps of momentum on the native backend:
/// graph mode without fusion equals eager mode bit for bit (the same masks drawn at the same steps), fused graph mode
/// stays within the bound the models have without dropout (1e-4 relative for the MLP, 1e-5 for LeNet), the compiled
/// step is compiled once although its masks change every step, and every Dropout's step counter ends at 60.
/// </summary>
public sealed class DropoutModeAgreementTests(ITestOutputHelper output)
{
    private const int Steps = 60;

    private static (float[] Losses, float[][] Parameters, int Compilations, ulong[] DropoutSteps) Train(ModelKind model, ExecutionMode mode, bool fuse)
    {
        var options = new ReferenceOptions
        {
            Device = DeviceRequest.For(DeviceKind.Cpu), Mode = mode, Fuse = fuse, Seed = 5, Model = model, Dropout = 0.5f,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Momentum, Momentum = 0.9f },
        };
        using var session = Session.Open(options.Device);
        using var job = new ReferenceJob(session, options);
        var losses = new List<float>();
        foreach (var batch in job.TrainBatches.CreateTupleIterator(0).Take(Steps))
        {
            var (data, label) = job.ToDevice(batch);
            losses.Add(job.TrainStep.Call(data, label)[0].Item());
            session.EndStep();
        }
        int compilations = job.TrainStep is CompiledStep compiled ? compiled.Function.Compilations : 0;
        var steps = job.Model.NamedBuffers().Select(b => b.Buffer.ToFloatArray())
            .Select(s => DropoutMask.Step(s[DropoutMask.StepOffset], s[DropoutMask.StepOffset + 1])).ToArray();
        return (losses.ToArray(), job.Model.TrainableParams().Select(p => p.ToFloatArray()).ToArray(), compilations, steps);
    }

    [Theory]
    [InlineData(ModelKind.Mlp, 1e-4)]
    [InlineData(ModelKind.LeNet, 1e-5)]
    public void Graph_agrees_with_eager_and_compiles_once(ModelKind model, double fusedBound)
    {
        var eager = Train(model, ExecutionMode.Eager, fuse: false);
        var unfused = Train(model, ExecutionMode.Graph, fuse: false);
        var fused = Train(model, ExecutionMode.Graph, fuse: true);
        Assert.Equal(eager.Losses, unfused.Losses);
        for (int p = 0; p < eager.Parameters.Length; p++)
            Assert.True(eager.Parameters[p].AsSpan().SequenceEqual(unfused.Parameters[p]), $"parameter {p} differs between eager and unfused graph");
        double worst = eager.Losses.Zip(fused.Losses, (e, f) => Math.Abs((double)e - f) / Math.Abs(e)).Max();
        Assert.True(worst <= fusedBound, $"fused graph vs eager: worst loss relative difference {worst:G3}");
        Assert.Equal(1, unfused.Compilations);
        Assert.Equal(1, fused.Compilations);
        Assert.Equal(model == ModelKind.LeNet ? [2UL * Steps] : [(ulong)Steps, Steps], fused.DropoutSteps); // LeNet calls its one Dropout twice a step
        Assert.Equal(eager.DropoutSteps, fused.DropoutSteps);
        double first = eager.Losses[..10].Average(), last = eager.Losses[^10..].Average();
        Assert.True(last < first - 0.1, $"{Steps} steps should lower the mean loss of ten steps ({first} to {last})");
        output.WriteLine($"{model} dropout 0.5: eager = unfused graph bit for bit over {Steps} steps, fused worst loss relative difference {worst:G3}");
    }
}
