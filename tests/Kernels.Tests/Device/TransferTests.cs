using System.Diagnostics;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests.Device;

public sealed class TransferTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    [Fact]
    public void Round_trips_floats_ints_and_bytes()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var rng = TestData.Rng(11);
        var floats = TestData.Uniform(rng, 257);
        var ints = Enumerable.Range(-100, 65).ToArray();
        var bytes = TestData.Bytes(rng, 63);
        using var f = backend.Put(floats);
        using var i = backend.Put(ints);
        using var b = backend.Put(bytes);
        Close.Bitwise(floats, backend.Floats(f, 257), "floats");
        Assert.Equal(ints, backend.Ints(i, 65));
        var back = new byte[63];
        backend.DownloadPinned(b, back);
        Assert.Equal(bytes, back);
    }

    [Fact]
    public void Partial_and_empty_copies_touch_only_their_prefix()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var buffer = backend.Filled(10, 5f);
        backend.UploadPinned(buffer, new[] { 1f, 2f, 3f });
        backend.Upload<float>(buffer, ReadOnlySpan<float>.Empty);
        backend.Download<float>(buffer, Span<float>.Empty);
        Assert.Equal(new[] { 1f, 2f, 3f, 5f, 5f, 5f, 5f, 5f, 5f, 5f }, backend.Floats(buffer, 10));
        Assert.Equal(new[] { 1f, 2f }, backend.Floats(buffer, 2));
    }

    /// <summary>Device-to-device copy moves exactly the first <c>bytes</c> bytes, works through slices, and is not a kernel launch.</summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Copy_moves_exactly_the_requested_bytes(string backendName)
    {
        var backend = backends.Get(backendName);
        var data = TestData.Uniform(TestData.Rng(12), 65);
        using var source = backend.Put(data);
        using var whole = backend.Filled(100, -1f);
        long launches = backend.LaunchCount;

        backend.Copy(source, whole, 7 * 4);
        var got = backend.Floats(whole, 100);
        Close.Bitwise(data[..7], got[..7], "copied prefix");
        Close.Untouched(got, 7, 100, -1f, "copy wrote past its byte count");

        using var from = source.Slice(10 * 4, 40 * 4);
        using var to = whole.Slice(50 * 4, 40 * 4);
        backend.Copy(from, to, 33 * 4);
        got = backend.Floats(whole, 100);
        Close.Bitwise(data[10..43], got[50..83], "copied slice");
        Close.Untouched(got, 7, 50, -1f, "copy into a slice wrote before it");
        Close.Untouched(got, 83, 100, -1f, "copy into a slice wrote past its byte count");

        backend.Copy(source, whole, 0);
        Assert.Equal(launches, backend.LaunchCount);
    }

    [Fact]
    public void Allocation_counters_track_allocate_and_free()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var memory = backend.Memory;
        long live = memory.LiveBytes, allocations = memory.Allocations;
        var a = backend.Allocate(400);
        var b = backend.Allocate(1000);
        Assert.Equal(live + 1400, memory.LiveBytes);
        Assert.Equal(allocations + 2, memory.Allocations);
        Assert.True(memory.PeakLiveBytes >= live + 1400);
        backend.Free(a);
        backend.Free(b);
        Assert.Equal(live, memory.LiveBytes);
    }

    /// <summary>
    /// Regression test: IlgpuBackend.Upload and Download once passed <c>ref MemoryMarshal.GetReference(span)</c>
    /// of a managed array to ILGPU's CopyFromCPU/CopyToCPU without pinning it. ILGPU converts the reference to a raw
    /// pointer (CPUMemoryBuffer.Create / CopyTo(From)CPUUnsafeAsync, documented as taking "the base
    /// address of the pinned CPU buffer"), so a compacting GC triggered by another thread while the
    /// copy runs moves the array: Download then leaves the caller's array unwritten (zeros) and
    /// writes into whatever now occupies the old address; Upload copies stale memory. Seen as
    /// wrong results in parallel test runs and as segfaults (heap corruption) in a stress run.
    /// </summary>
    [Fact]
    public void Unpinned_arrays_survive_concurrent_garbage_collections()
    {
        var backend = backends.Get(BackendFixture.Fast);
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                _ = new byte[10_000];
                GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true);
                Thread.Sleep(1);
            }
        });
        collector.Start();
        try
        {
            var clock = Stopwatch.StartNew();
            for (int iteration = 0; clock.Elapsed < TimeSpan.FromSeconds(5); iteration++)
            {
                int n = 1000 + iteration % 20_000;
                var source = new float[n];
                for (int i = 0; i < n; i++) source[i] = i + 1;
                using var buffer = backend.Allocate(n * 4L);
                backend.Upload<float>(buffer, source);
                backend.Synchronize();
                var back = new float[n];
                backend.Download<float>(buffer, back);
                for (int i = 0; i < n; i++)
                    if (back[i] != i + 1)
                        Assert.Fail($"iteration {iteration}: element {i} of {n} came back as {back[i]}, expected {i + 1}");
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}
