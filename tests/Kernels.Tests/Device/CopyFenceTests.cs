using System.Runtime.InteropServices;
using Trainer.Kernels.Cuda;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Device;

/// <summary>The fences a staging buffer asks before its bytes are overwritten.</summary>
public sealed class CopyFenceTests
{
    [Fact]
    public void The_sync_count_fence_is_done_only_after_a_synchronisation_since_the_copy()
    {
        long syncs = 5;
        using var fence = new SyncCountFence(() => syncs);
        Assert.True(fence.IsDone()); // nothing recorded yet
        fence.Record();
        Assert.False(fence.IsDone()); // the copy may still be reading the bytes
        Assert.False(fence.IsDone());
        syncs++;
        Assert.True(fence.IsDone()); // a synchronisation drained the stream after the copy
        fence.Record();
        Assert.False(fence.IsDone());
    }

    [Fact]
    public void Without_a_CUDA_driver_there_is_no_event_fence_and_no_exception()
    {
        if (NativeLibrary.TryLoad("libcuda.so.1", out var library))
        {
            NativeLibrary.Free(library);
            return; // a machine with a driver: the GPU tests cover the event path
        }
        Assert.Null(CudaEventFence.TryCreate(() => IntPtr.Zero));
    }
}
