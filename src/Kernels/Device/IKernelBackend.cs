using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Device;

/// <summary>
/// Everything the layers above need from a device: memory, copies, synchronisation, counters, step capture, and its
/// kernels, keyed by op in <see cref="Kernels"/> (no method per kernel).
/// Eager execution and the compiled graph both go through it, so every backend (ILGPU's CUDA,
/// OpenCL and CPU accelerator; the native C# CPU backend) runs the same launch plans. Element
/// counts are explicit; buffers may be larger than what a launch touches. A backend is used from
/// one thread at a time.
/// </summary>
public interface IKernelBackend : IDisposable
{
    /// <summary>The device this backend runs on.</summary>
    DeviceDescription Description { get; }

    /// <summary>Which GEMM kernel the backend runs, in a few words (for `trainer selftest` and benchmarks).</summary>
    string GemmKernel { get; }

    /// <summary>Kernel launches so far; the difference across a step is its launch count.</summary>
    long LaunchCount { get; }

    /// <summary>
    /// Host-to-device copies so far: every non-empty <see cref="Upload{T}"/> and every
    /// <see cref="UploadStaged"/>. Device-to-device <see cref="Copy"/>s are not counted.
    /// </summary>
    long UploadCount { get; }

    /// <summary>Device-to-host copies so far: every non-empty <see cref="Download{T}"/>.</summary>
    long DownloadCount { get; }

    /// <summary>
    /// Calls so far that made the host wait for everything queued on the device: every
    /// <see cref="Synchronize"/>, every non-empty <see cref="Download{T}"/> (its data must be
    /// computed first), every non-empty <see cref="Upload{T}"/> (ILGPU's copy from pageable memory
    /// synchronises the stream before it returns), and every <see cref="StagingBuffer.Write"/>
    /// that had to wait for a pending staged copy. <see cref="UploadStaged"/>, <see cref="Copy"/>
    /// and kernel launches never count. The native CPU backend, which queues nothing, counts the
    /// same calls, so the figures of a step agree across backends and say what a GPU would wait for.
    /// </summary>
    long SyncCount { get; }

    /// <summary>Allocation counters of this backend's device memory.</summary>
    MemoryStats Memory { get; }

    /// <summary>Allocates at least <paramref name="bytes"/> of device memory (not zeroed); release it with <see cref="Free"/>.</summary>
    DeviceBuffer Allocate(long bytes);
    /// <summary>Releases a buffer from <see cref="Allocate"/>.</summary>
    void Free(DeviceBuffer buffer);

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/> and returns when the host memory may be reused: one upload and one synchronisation.</summary>
    void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged;

    /// <summary>Copies the start of <paramref name="source"/> into <paramref name="destination"/> once the work queued before it is done: one download and one synchronisation.</summary>
    void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged;

    /// <summary>Waits until the device has finished everything queued so far: one synchronisation.</summary>
    void Synchronize();

    /// <summary>Host memory for <see cref="UploadStaged"/> (page-locked on GPUs), at least <paramref name="bytes"/> long; dispose it when done.</summary>
    StagingBuffer AllocateStaging(long bytes);

    /// <summary>
    /// Queues a copy of the first <paramref name="bytes"/> of <paramref name="source"/> to the start of
    /// <paramref name="destination"/> on the stream kernels run on, after the work queued before it and
    /// before the work queued after, and returns without waiting: one upload, no synchronisation.
    /// Write the staging buffer again only through <see cref="StagingBuffer.Write"/>.
    /// </summary>
    void UploadStaged(StagingBuffer source, DeviceBuffer destination, long bytes);

    /// <summary>Device-to-device copy of the first <paramref name="bytes"/> bytes; not a kernel launch.</summary>
    void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes);

    /// <summary>
    /// Bytes of scratch the convolution kernels (<see cref="KernelKeys.Conv2d"/> and its gradients) need for <paramref name="shape"/> on this backend: the
    /// im2col panel (<see cref="Conv2dShape.WorkspaceBytes"/>) where convolutions run as GEMMs over
    /// it, the weight gradient's partial sums where it is split (ILGPU's tiled kernels, never more
    /// than <see cref="Conv2dShape.WorkspaceBytes"/>), 0 where they are direct loops. Graph mode
    /// plans it in the arena, eager mode rents it.
    /// </summary>
    long Conv2dWorkspaceBytes(Conv2dShape shape);

    /// <summary>
    /// The backend's kernels keyed by op (<see cref="KernelTable"/>): the layer, loss, optimizer and data kernels
    /// (<see cref="KernelKeys"/>), the elementwise, broadcasting and reduction families, the kernels beside them and
    /// users' custom ops are all looked up here when their op is bound, so a new kernel adds no member to this interface.
    /// </summary>
    KernelTable Kernels { get; }

    /// <summary>
    /// A recorder that captures a step's launches once and replays them (<see cref="IStepCapture"/>),
    /// or null where the backend has none, which is every backend but CUDA. May throw
    /// <see cref="StepCaptureException"/> saying why this device cannot record (an old driver).
    /// </summary>
    IStepCapture? CreateStepCapture() => null;
}
