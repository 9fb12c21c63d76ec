using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// <see cref="IKernelBackend"/> in plain C#: every kernel a loop over raw pointers into aligned host
/// memory, vectorised with System.Runtime.Intrinsics, the large ones split over a persistent
/// <see cref="WorkerPool"/>. No native library and no ILGPU. This file holds memory, copies and the
/// pool; each op lives in its own file of this partial class.
/// <para>Deterministic whatever the thread count: work is split over outputs only, and each output
/// is computed by one thread in a fixed order, so results do not depend on <see cref="Threads"/>.
/// Launches run synchronously on the calling thread (with the pool's help): when a call returns,
/// its results are in memory, so <see cref="Synchronize"/> has nothing to wait for.</para>
/// </summary>
public sealed unsafe partial class CpuBackend : IKernelBackend, ILayerKernels
{
    /// <summary>Elements an elementwise task covers: big enough that a task costs more than waking a worker.</summary>
    internal const int ElementwiseChunk = 1 << 15;

    private readonly WorkerPool pool;

    /// <summary>Opens the backend with <paramref name="threads"/> workers (0: one per core).</summary>
    public CpuBackend(int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        pool = new WorkerPool(threads);
        gemm = new CpuGemm(pool);
        Description = Describe(pool.Threads);
        Kernels = CreateKernelTable();
    }

    /// <summary>The description of a native backend with <paramref name="threads"/> workers.</summary>
    internal static DeviceDescription Describe(int threads) => new(
        DeviceKind.Cpu,
        $"{CpuInfo.ModelName}, native C# kernels ({CpuGemm.Isa} GEMM), {threads} thread{(threads == 1 ? "" : "s")}",
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        WarpSize: 1, MaxGroupSize: 1, Multiprocessors: threads);

    /// <inheritdoc/>
    public DeviceDescription Description { get; }

    /// <summary>Worker threads, the caller's included.</summary>
    public int Threads => pool.Threads;

    /// <inheritdoc/>
    public long LaunchCount { get; private set; }
    /// <inheritdoc/>
    public long UploadCount { get; private set; }
    /// <inheritdoc/>
    public long DownloadCount { get; private set; }
    /// <inheritdoc/>
    public long SyncCount { get; private set; }
    /// <inheritdoc/>
    public MemoryStats Memory { get; } = new();

    /// <inheritdoc/>
    public DeviceBuffer Allocate(long bytes)
    {
        var buffer = DeviceBuffer.Own(new CpuMemory(bytes));
        Memory.OnAllocate(buffer.ByteLength);
        return buffer;
    }

    /// <inheritdoc/>
    public void Free(DeviceBuffer buffer)
    {
        Memory.OnFree(buffer.ByteLength);
        buffer.Dispose();
    }

    /// <inheritdoc/>
    public void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged
    {
        if (source.IsEmpty) return;
        CheckRange(destination, (long)source.Length * sizeof(T));
        UploadCount++;
        SyncCount++; // counted as ILGPU's pageable copy would be (see IKernelBackend.SyncCount)
        source.CopyTo(new Span<T>(destination.Bytes(), source.Length));
    }

    /// <inheritdoc/>
    public void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        CheckRange(source, (long)destination.Length * sizeof(T));
        DownloadCount++;
        SyncCount++;
        new ReadOnlySpan<T>(source.Bytes(), destination.Length).CopyTo(destination);
    }

    /// <summary>Nothing to wait for (launches finish before they return), but counted like a GPU's.</summary>
    public void Synchronize() => SyncCount++;

    /// <inheritdoc/>
    public void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes)
    {
        if (bytes <= 0) return;
        CheckRange(source, bytes);
        CheckRange(destination, bytes);
        Buffer.MemoryCopy(source.Bytes(), destination.Bytes(), bytes, bytes);
    }

    // Copies are checked (a bad size would corrupt the host process); kernels trust their callers
    // like GPU kernels do, which the graph's type rules make safe.
    private static void CheckRange(DeviceBuffer buffer, long bytes)
    {
        if (bytes > buffer.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes do not fit in a buffer of {buffer.ByteLength}");
    }

    /// <summary>Counts a launch and says whether it has any work (count &gt; 0).</summary>
    private bool Launch(long count)
    {
        if (count <= 0) return false;
        LaunchCount++;
        return true;
    }

    /// <summary>Runs <paramref name="op"/> over <paramref name="count"/> elements, split over the pool when large.</summary>
    private void RunRange<TOp>(RangeWork<TOp> work, TOp op, long count) where TOp : struct, IRangeOp
    {
        work.Op = op;
        work.Count = count;
        pool.Run(work, work.Tasks);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        NativeMemory.AlignedFree(softmaxScratch);
        softmaxScratch = null;
        gemm.Dispose();
        DisposeWorkerGemms();
        pool.Dispose();
    }
}
