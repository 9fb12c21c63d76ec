using Trainer.Training.Train;
using Trainer.Kernels.Device;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Training.Tests.Loops;

/// <summary>
/// What a training step moves between host and device, counted by the backend inside the step call:
/// graph mode's one staged upload of bytes and no wait, eager's two blocking uploads of floats.
/// </summary>
public sealed class StepTransferTests
{
    private readonly record struct Transfers(long Uploads, long Downloads, long Syncs);

    private static Transfers Count(IKernelBackend backend, Action step)
    {
        long u = backend.UploadCount, d = backend.DownloadCount, s = backend.SyncCount;
        step();
        return new(backend.UploadCount - u, backend.DownloadCount - d, backend.SyncCount - s);
    }

    /// <summary>Each of <paramref name="steps"/> host-batch steps' transfers (more steps than the staging ring holds), with no read in between.</summary>
    private static List<Transfers> NonLoggingSteps(DeviceKind device, ExecutionMode mode, int steps)
    {
        using var session = Session.Open(device);
        using var job = new ReferenceJob(session, new ReferenceOptions { Device = DeviceRequest.For(device), Mode = mode });
        job.CompileAhead();
        var counts = new List<Transfers>();
        foreach (var batch in job.TrainBatches.CreateTupleIterator(0).Take(steps))
        {
            counts.Add(Count(session.Backend, () => job.TrainStep.Call(batch[0], batch[1])));
            session.EndStep();
        }
        return counts;
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void A_graph_step_is_one_upload_and_no_sync(DeviceKind device)
    {
        var steps = NonLoggingSteps(device, ExecutionMode.Graph, 2 * Trainer.Training.Jit.BatchStaging.Depth + 1);
        Assert.All(steps, t => Assert.Equal(new Transfers(Uploads: 1, Downloads: 0, Syncs: 0), t));
    }

    /// <summary>
    /// Through ILGPU's OpenCL backend (on PoCL), where copies are asynchronous and each staging buffer
    /// is fenced by an OpenCL marker event: once the device has caught up (seen through another marker,
    /// not a synchronisation), a graph step waits for nothing, also when the ring of staging buffers
    /// wraps. With a fence that only trusts synchronisations, the step after the ring wraps would wait.
    /// </summary>
    [Kernels.Tests.OpenCl.OpenClFact]
    public void On_OpenCL_a_graph_step_after_the_device_caught_up_is_one_upload_and_no_sync()
    {
        using var session = new Session(Kernels.Tests.OpenCl.PoclBackend.Open(), "device: opencl (PoCL)");
        var backend = (Kernels.Ilgpu.IlgpuBackend)session.Backend;
        using var job = new ReferenceJob(session, new ReferenceOptions { Mode = ExecutionMode.Graph });
        job.CompileAhead();
        using var caughtUp = backend.CreateCopyFence();
        Assert.IsType<Kernels.OpenCl.OpenClEventFence>(caughtUp);
        var counts = new List<Transfers>();
        foreach (var batch in job.TrainBatches.CreateTupleIterator(0).Take(2 * Trainer.Training.Jit.BatchStaging.Depth + 1))
        {
            counts.Add(Count(backend, () => job.TrainStep.Call(batch[0], batch[1])));
            session.EndStep();
            caughtUp.Record();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!caughtUp.IsDone())
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the OpenCL device did not finish a step in 60 s");
                Thread.Sleep(1);
            }
        }
        Assert.All(counts, t => Assert.Equal(new Transfers(Uploads: 1, Downloads: 0, Syncs: 0), t));
    }

    /// <summary>The baseline, asserted exactly so a regression shows: images and labels uploaded separately, each copy waiting for the stream.</summary>
    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void An_eager_step_is_two_blocking_uploads(DeviceKind device)
    {
        var steps = NonLoggingSteps(device, ExecutionMode.Eager, 3);
        Assert.All(steps, t => Assert.Equal(new Transfers(Uploads: 2, Downloads: 0, Syncs: 2), t));
    }

    /// <summary>A logged step adds exactly the loss's read: one download, one wait.</summary>
    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Reading_the_loss_is_one_download_and_one_sync(DeviceKind device)
    {
        using var session = Session.Open(device);
        using var job = new ReferenceJob(session, new ReferenceOptions { Device = DeviceRequest.For(device), Mode = ExecutionMode.Graph });
        var batch = job.TrainBatches.CreateTupleIterator(0).First();
        var loss = job.TrainStep.Call(batch[0], batch[1])[0];
        var read = Count(session.Backend, () => loss.Item());
        Assert.Equal(new Transfers(Uploads: 0, Downloads: 1, Syncs: 1), read);
    }

    /// <summary>
    /// The training loop (<see cref="Model.Train(int, Trainer.Training.Data.PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/>) in graph mode (on the native backend, for speed; from batch 95, so 100 is the
    /// one logged step): one upload per batch, and a wait only where the loss is read and where the epoch ends.
    /// </summary>
    [Fact]
    public void The_graph_train_loop_waits_only_where_it_reads_the_loss()
    {
        using var session = Session.Open(DeviceKind.Cpu);
        using var job = new ReferenceJob(session, new ReferenceOptions { Device = DeviceRequest.For(DeviceKind.Cpu), Mode = ExecutionMode.Graph });
        job.CompileAhead();
        const int start = 95;
        int trained = job.TrainLoader.BatchCount - start;
        Assert.InRange(job.TrainLoader.BatchCount, 101, 199); // exactly one logged step, batch 100
        // The command's callbacks on a GPU: the tutorial's log, and the loss check at the logged steps only.
        var callbacks = new Callback[] { new LossMonitor(TextWriter.Null), new LossCheck(LossMonitor.DefaultInterval) };
        var loop = Count(session.Backend, () => job.Runner.Train(1, job.TrainLoader, callbacks, new TrainRunOptions { InitialBatch = start }));
        // One wait where the loss is read, one at the epoch's end (the timing's; the command always made it).
        Assert.Equal(new Transfers(Uploads: trained, Downloads: 1, Syncs: 2), loop);
    }
}
