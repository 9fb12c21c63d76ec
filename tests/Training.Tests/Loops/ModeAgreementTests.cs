using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Training.Hosting;
using Trainer.Training.Optim;
using Trainer.Training.Loops;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Loops;

/// <summary>
/// Graph mode against eager mode on the reference job: same seed, same batches, 100 steps.
/// Without fusion the two launch the same kernels on the same data in the same order, so they
/// must agree to the bit; with fusion, within 1e-4 relative.
/// </summary>
public sealed class ModeAgreementTests(ITestOutputHelper output)
{
    private const int Steps = 100;

    private static (float[] Losses, float[][] Parameters) Train(ReferenceOptions options)
    {
        var (losses, parameters, _) = JobRun.Train(options, Steps);
        return (losses, parameters);
    }

    private static readonly Dictionary<DeviceKind, Lazy<(float[] Losses, float[][] Parameters)>> Eager =
        TestDevices.All.ToDictionary(d => d, d => new Lazy<(float[], float[][])>(() => Train(new ReferenceOptions { Device = DeviceRequest.For(d), Mode = ExecutionMode.Eager, Seed = 3 })));

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void UnfusedGraphIsBitIdenticalToEager(DeviceKind device)
    {
        var graph = Train(new ReferenceOptions { Device = DeviceRequest.For(device), Mode = ExecutionMode.Graph, Fuse = false, Seed = 3 });
        var eager = Eager[device].Value;
        Assert.Equal(eager.Losses, graph.Losses);
        for (int p = 0; p < eager.Parameters.Length; p++)
            Assert.Equal(eager.Parameters[p], graph.Parameters[p]);
        Assert.True(eager.Losses[^1] < eager.Losses[0] - 0.5f, "100 steps of SGD should lower the loss clearly");
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void FusedGraphAgreesWithEagerWithin1e4(DeviceKind device)
    {
        var graph = Train(new ReferenceOptions { Device = DeviceRequest.For(device), Mode = ExecutionMode.Graph, Fuse = true, Seed = 3 });
        var eager = Eager[device].Value;
        double worstLoss = 0;
        for (int i = 0; i < Steps; i++)
        {
            double rel = Math.Abs(eager.Losses[i] - graph.Losses[i]) / Math.Abs(eager.Losses[i]);
            worstLoss = Math.Max(worstLoss, rel);
            Assert.True(rel <= 1e-4, $"step {i}: eager loss {eager.Losses[i]:G9}, graph {graph.Losses[i]:G9}");
        }
        double worstParam = 0;
        for (int p = 0; p < eager.Parameters.Length; p++)
        {
            double diff = 0, norm = 0;
            for (int k = 0; k < eager.Parameters[p].Length; k++)
            {
                double d = eager.Parameters[p][k] - graph.Parameters[p][k];
                diff += d * d;
                norm += (double)eager.Parameters[p][k] * eager.Parameters[p][k];
            }
            double rel = Math.Sqrt(diff / norm);
            worstParam = Math.Max(worstParam, rel);
            Assert.True(rel <= 1e-4, $"parameter {p}: relative L2 difference {rel:G3}");
        }
        output.WriteLine($"{DeviceKindNames.Name(device)}: fused vs eager over {Steps} steps: worst loss relative difference {worstLoss:G3}, worst parameter relative L2 {worstParam:G3}");
    }
}

/// <summary>
/// The same bar with the optimizers that keep state (momentum; Adam with its beta powers): state
/// in its own block, a multi-tensor update in graph mode; unfused graph mode equals eager bit for
/// bit, fused within 1e-5 relative: over 100 steps on the native backend, 30 on ILGPU's CPU
/// accelerator (60 ms a step there; SGD's agreement test above runs it 100).
/// </summary>
public sealed class OptimizerModeAgreementTests(ITestOutputHelper output)
{
    private static int StepsOn(DeviceKind device) => device == DeviceKind.IlgpuCpu ? 30 : 100;

    private static (float[] Losses, float[][] Parameters) Train(DeviceKind device, OptimizerKind optimizer, ExecutionMode mode, bool fuse)
    {
        var chosen = new OptimizerOptions { Kind = optimizer, Momentum = 0.9f };
        var options = new ReferenceOptions
        {
            Device = DeviceRequest.For(device), Mode = mode, Fuse = fuse, Seed = 3,
            Optimizer = chosen, LearningRate = chosen.DefaultLearningRate,
        };
        var (losses, parameters, state) = JobRun.Train(options, StepsOn(device));
        return (losses, [.. parameters, .. state]);
    }

    public static TheoryData<DeviceKind, OptimizerKind> Cases()
    {
        var data = new TheoryData<DeviceKind, OptimizerKind>();
        foreach (var device in TestDevices.All)
            foreach (var optimizer in new[] { OptimizerKind.Momentum, OptimizerKind.Adam })
                data.Add(device, optimizer);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GraphAgreesWithEager(DeviceKind device, OptimizerKind optimizer)
    {
        var eager = Train(device, optimizer, ExecutionMode.Eager, fuse: false);
        var unfused = Train(device, optimizer, ExecutionMode.Graph, fuse: false);
        var fused = Train(device, optimizer, ExecutionMode.Graph, fuse: true);
        Assert.Equal(eager.Losses, unfused.Losses);
        for (int p = 0; p < eager.Parameters.Length; p++)
            Assert.Equal(eager.Parameters[p], unfused.Parameters[p]);
        double worst = eager.Losses.Zip(fused.Losses, (e, f) => Math.Abs((double)e - f) / Math.Abs(e)).Max();
        Assert.True(worst <= 1e-5, $"fused graph vs eager: worst loss relative difference {worst:G3}");
        Assert.True(eager.Losses[^1] < eager.Losses[0] - 0.5f, $"{eager.Losses.Length} steps of {optimizer} should lower the loss clearly");
        output.WriteLine($"{DeviceKindNames.Name(device)}: {optimizer}, fused vs eager over {eager.Losses.Length} steps: worst loss relative difference {worst:G3}");
    }
}

/// <summary>
/// LeNet-5 (convolutions, channel bias, max pooling) with momentum over 100 steps on each CPU
/// backend: graph mode without fusion equals eager bit for bit; so does graph mode with fusion (the
/// conv and GEMM bias+ReLU epilogues and the batched update do the unfused ops' arithmetic in the
/// same order), which is stricter than the 1e-5 relative the issue allows.
/// </summary>
public sealed class LeNetModeAgreementTests(ITestOutputHelper output)
{
    private static int StepsOn(DeviceKind device) => 100;

    private static float[] Train(DeviceKind device, ExecutionMode mode, bool fuse)
    {
        var options = new ReferenceOptions
        {
            Device = DeviceRequest.For(device), Mode = mode, Fuse = fuse, Seed = 5, Model = ModelKind.LeNet,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Momentum, Momentum = 0.9f },
        };
        return JobRun.Train(options, StepsOn(device)).Losses;
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void GraphAgreesWithEager(DeviceKind device)
    {
        var eager = Train(device, ExecutionMode.Eager, fuse: false);
        Assert.Equal(StepsOn(device), eager.Length);
        Assert.All(eager, l => Assert.True(float.IsFinite(l)));
        Assert.Equal(eager, Train(device, ExecutionMode.Graph, fuse: false));
        Assert.Equal(eager, Train(device, ExecutionMode.Graph, fuse: true));
        Assert.True(eager[^1] < eager[0] - 0.5f, $"100 steps of momentum should lower LeNet's loss clearly ({eager[0]} to {eager[^1]})");
        output.WriteLine($"{DeviceKindNames.Name(device)}: LeNet, eager, graph and fused graph bit-identical over {eager.Length} steps, loss {eager[0]} to {eager[^1]}");
    }
}
