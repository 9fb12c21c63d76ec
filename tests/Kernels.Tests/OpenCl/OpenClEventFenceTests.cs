using System.Diagnostics;
using Trainer.Kernels.OpenCl;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// The OpenCL staging fence on a real command queue (PoCL's): a marker after the copy, queried
/// without blocking. A user event holds the in-order queue so "not done yet" is certain, not a race.
/// </summary>
public sealed unsafe class OpenClEventFenceTests
{
    private const int CopyBytes = 1 << 20;

    [OpenClFact]
    public void The_fence_is_not_done_while_the_copy_is_held_and_done_once_the_queue_drains()
    {
        using var host = OpenClHost.Open();
        using var fence = OpenClEventFence.TryCreate(() => host.Queue) ?? throw new InvalidOperationException("no OpenCL fence although a device is open");
        Assert.True(fence.IsDone()); // nothing recorded yet

        var gate = host.CreateGate();
        host.BlockQueueOn(gate);
        var bytes = GC.AllocateArray<byte>(CopyBytes, pinned: true);
        fixed (byte* source = bytes) host.EnqueueWrite(source, CopyBytes);
        fence.Record();
        for (int i = 0; i < 5; i++)
        {
            Assert.False(fence.IsDone()); // the copy cannot have run: the queue waits for the gate
            Thread.Sleep(10);
        }

        OpenClHost.SetStatus(gate, OpenClHost.Complete);
        host.Finish();
        Assert.True(fence.IsDone());
        Assert.True(fence.IsDone()); // stays done once seen done
        OpenClHost.Release(gate);
    }

    [OpenClFact]
    public void A_recorded_fence_completes_with_nobody_waiting_on_the_queue()
    {
        using var host = OpenClHost.Open();
        using var fence = OpenClEventFence.TryCreate(() => host.Queue)!;
        var bytes = GC.AllocateArray<byte>(CopyBytes, pinned: true);
        for (int copy = 0; copy < 3; copy++)
        {
            fixed (byte* source = bytes) host.EnqueueWrite(source, CopyBytes);
            fence.Record(); // flushes the queue, so the marker is submitted without clFinish
            var clock = Stopwatch.StartNew();
            while (!fence.IsDone())
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"copy {copy}: the marker did not complete in 30 s without a wait on the queue");
                Thread.Sleep(1);
            }
        }
        host.Finish();
    }

    [OpenClFact]
    public void Disposing_a_fence_whose_copy_is_still_pending_releases_its_marker()
    {
        using var host = OpenClHost.Open();
        var gate = host.CreateGate();
        host.BlockQueueOn(gate);
        var fence = OpenClEventFence.TryCreate(() => host.Queue)!;
        fence.Record();
        Assert.False(fence.IsDone());
        fence.Dispose(); // the driver frees the event once the marker has run
        fence.Dispose(); // and a second dispose is harmless
        OpenClHost.SetStatus(gate, OpenClHost.Complete);
        host.Finish();
        OpenClHost.Release(gate);
    }
}
