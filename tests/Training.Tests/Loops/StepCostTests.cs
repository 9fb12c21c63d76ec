using Trainer.Kernels.Device;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Loops;

/// <summary>What one training step of the reference MLP costs in launches and allocations, per mode.</summary>
public sealed class StepCostTests(ITestOutputHelper output)
{
    private static (long Launches, long DeviceAllocations, long ManagedBytes) MeasureSteadyStep(DeviceKind device, ExecutionMode mode, bool fuse)
    {
        using var session = Session.Open(device);
        using var job = new ReferenceJob(session, new ReferenceOptions { Device = DeviceRequest.For(device), Mode = mode, Fuse = fuse });
        var batches = job.TrainBatches.CreateTupleIterator(0).Take(8).ToList();
        long launches = 0, allocations = 0, managed = 0;
        for (int i = 0; i < batches.Count; i++)
        {
            var (data, label) = job.ToDevice(batches[i]);
            long launchesBefore = session.Backend.LaunchCount;
            long allocationsBefore = session.Backend.Memory.Allocations;
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            job.TrainStep.Call(data, label);
            long managedAfter = GC.GetAllocatedBytesForCurrentThread();
            session.Backend.Synchronize();
            if (i >= 4) // the first steps compile (graph) or fill the memory pool (eager)
            {
                launches = session.Backend.LaunchCount - launchesBefore;
                allocations += session.Backend.Memory.Allocations - allocationsBefore;
                managed = Math.Max(managed, managedAfter - managedBefore);
            }
            session.EndStep();
        }
        return (launches, allocations, managed);
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void FusedGraphStepLaunchesAtMost14KernelsAndAllocatesNoDeviceMemory(DeviceKind device)
    {
        var graph = MeasureSteadyStep(device, ExecutionMode.Graph, fuse: true);
        var unfused = MeasureSteadyStep(device, ExecutionMode.Graph, fuse: false);
        var eager = MeasureSteadyStep(device, ExecutionMode.Eager, fuse: false);
        output.WriteLine($"{DeviceKindNames.Name(device)}: launches per step: graph {graph.Launches}, graph --no-fuse {unfused.Launches}, eager {eager.Launches}");
        output.WriteLine($"managed bytes per step: graph {graph.ManagedBytes}, eager {eager.ManagedBytes}");
        Assert.Equal(14, graph.Launches); // 13 + the image normalisation graph mode runs on the device
        Assert.Equal(eager.Launches + 1, unfused.Launches); // no fusion: one kernel per primitive, like eager, plus the normalisation eager did on the host
        Assert.True(unfused.Launches >= 2 * graph.Launches); // fusion at least halves the launches of the same step
        Assert.Equal(0, graph.DeviceAllocations);
        Assert.Equal(0, eager.DeviceAllocations); // eager reuses pooled buffers in steady state
        Assert.True(graph.ManagedBytes <= 4096, $"a replayed graph step allocated {graph.ManagedBytes} managed bytes");
    }
}
