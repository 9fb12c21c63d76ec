using System.Diagnostics;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.OpenCl;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// Staged uploads through ILGPU's OpenCL backend (on PoCL): each staging buffer is fenced by an
/// OpenCL marker event, so refilling a buffer whose copy has finished does not synchronise, and
/// the bytes that arrive are the ones written before each upload.
/// </summary>
public sealed class OpenClStagingTests : IDisposable
{
    private readonly Lazy<IlgpuBackend> backend = new(() => PoclBackend.Open());

    public void Dispose()
    {
        if (backend.IsValueCreated) backend.Value.Dispose();
    }

    [OpenClFact]
    public void Refilling_a_staging_buffer_whose_copy_finished_does_not_synchronise()
    {
        var b = backend.Value;
        const int bytes = 4099, uploads = 8;
        StagingBuffer[] ring = [b.AllocateStaging(bytes), b.AllocateStaging(bytes)];
        var targets = Enumerable.Range(0, uploads).Select(_ => b.Allocate(bytes)).ToArray();
        try
        {
            Assert.All(ring, s => Assert.IsType<OpenClEventFence>(IlgpuBackend.FenceOf(s)));
            long syncs = b.SyncCount, uploadsBefore = b.UploadCount;
            for (int i = 0; i < uploads; i++)
            {
                var staging = ring[i % ring.Length];
                // Wait for this buffer's previous copy the way the fence sees it, without synchronising.
                var fence = IlgpuBackend.FenceOf(staging);
                var clock = Stopwatch.StartNew();
                while (!fence.IsDone())
                {
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"upload {i - ring.Length}'s copy had not finished after 30 s");
                    Thread.Sleep(1);
                }
                staging.Write().Fill((byte)(i * 37 + 1));
                b.UploadStaged(staging, targets[i], bytes);
            }
            Assert.Equal(syncs, b.SyncCount);
            Assert.Equal(uploadsBefore + uploads, b.UploadCount);

            b.Synchronize();
            for (int i = 0; i < uploads; i++)
            {
                var arrived = new byte[bytes];
                b.DownloadPinned(targets[i], arrived);
                Assert.All(arrived, v => Assert.Equal((byte)(i * 37 + 1), v));
            }
        }
        finally
        {
            foreach (var t in targets) b.Free(t);
            foreach (var s in ring) s.Dispose();
        }
    }

    [OpenClFact]
    public void Refilling_a_staging_buffer_at_once_never_overwrites_bytes_a_copy_still_reads()
    {
        var b = backend.Value;
        const int bytes = 1 << 20, uploads = 6;
        var staging = b.AllocateStaging(bytes);
        var targets = Enumerable.Range(0, uploads).Select(_ => b.Allocate(bytes)).ToArray();
        try
        {
            for (int i = 0; i < uploads; i++)
            {
                staging.Write().Fill((byte)(i + 100)); // waits (a counted synchronisation) if the last copy still reads the bytes
                b.UploadStaged(staging, targets[i], bytes);
            }
            b.Synchronize();
            for (int i = 0; i < uploads; i++)
            {
                var arrived = new byte[bytes];
                b.DownloadPinned(targets[i], arrived);
                Assert.All(arrived, v => Assert.Equal((byte)(i + 100), v));
            }
        }
        finally
        {
            foreach (var t in targets) b.Free(t);
            staging.Dispose();
        }
    }
}
