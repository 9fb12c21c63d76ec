using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Staged uploads on an ILGPU accelerator: the staging buffer is ILGPU's page-locked array, and
/// the copy is one <c>CopyFromPageLockedAsync</c> on the default stream, the stream every kernel
/// runs on, so it is ordered with them and nothing waits. On the CPU accelerator the copy is done
/// when the call returns.
/// <para>On a GPU the copy reads the host bytes when the stream reaches it, so each staging buffer
/// has a fence (<see cref="ICopyFence"/>) recorded after its copy: <see cref="StagingBuffer.Write"/>
/// waits (a counted synchronisation) only when the fence says the copy is still pending. On CUDA the
/// fence is a CUDA event queried without blocking (<see cref="Cuda.CudaEventFence"/>), on OpenCL a
/// marker event (<see cref="OpenCl.OpenClEventFence"/>), so with a ring of staging buffers the step
/// never waits; where events cannot be made, it is
/// <see cref="SyncCountFence"/>: done once anything has synchronised since the copy, so the wait
/// drains the stream.</para>
/// </summary>
public sealed partial class IlgpuBackend
{
    /// <inheritdoc/>
    public StagingBuffer AllocateStaging(long bytes) =>
        new IlgpuStaging(this, accelerator.AllocatePageLocked1D<byte>(Math.Max(bytes, 1)), CreateCopyFence());

    /// <summary>
    /// An event fence on CUDA and OpenCL devices where the driver offers one, else the
    /// synchronisation-count fence. Each staging buffer has one; tests also use one to see the
    /// device catch up without a (counted) synchronisation.
    /// </summary>
    internal ICopyFence CreateCopyFence() =>
        accelerator switch
        {
            ILGPU.Runtime.Cuda.CudaAccelerator => (ICopyFence?)Cuda.CudaEventFence.TryCreate(() => ((ILGPU.Runtime.Cuda.CudaStream)accelerator.DefaultStream).StreamPtr),
            ILGPU.Runtime.OpenCL.CLAccelerator => OpenCl.OpenClEventFence.TryCreate(() => ((ILGPU.Runtime.OpenCL.CLStream)accelerator.DefaultStream).CommandQueue),
            _ => null,
        }
        ?? new SyncCountFence(() => SyncCount);

    /// <summary>The fence of a staging buffer of this backend, for tests that watch it.</summary>
    internal static ICopyFence FenceOf(StagingBuffer buffer) =>
        buffer is IlgpuStaging staging ? staging.Fence : throw new ArgumentException($"{buffer.GetType().Name} is not an ILGPU staging buffer", nameof(buffer));

    /// <inheritdoc/>
    public void UploadStaged(StagingBuffer source, DeviceBuffer destination, long bytes)
    {
        if (bytes <= 0) return;
        if (source is not IlgpuStaging staging || staging.Owner != this)
            throw new ArgumentException($"a staging buffer of {source.GetType().Name} from another backend was given to {Description.Summary}", nameof(source));
        if (bytes > staging.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes are more than the staging buffer's {staging.ByteLength}");
        if (bytes > destination.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes do not fit in a buffer of {destination.ByteLength}");
        UploadCount++;
        var target = destination.Bytes().SubView(0, bytes);
        target.CopyFrom(accelerator.DefaultStream, staging.Array.ArrayView.SubView(0, bytes));
        if (accelerator.AcceleratorType != AcceleratorType.CPU) staging.Fence.Record();
    }

    private sealed class IlgpuStaging(IlgpuBackend owner, PageLockedArray1D<byte> array, ICopyFence fence) : StagingBuffer
    {
        public IlgpuBackend Owner { get; } = owner;
        public PageLockedArray1D<byte> Array { get; } = array;

        /// <summary>Recorded after each copy from this buffer; done once the copy has read the bytes.</summary>
        public ICopyFence Fence { get; } = fence;

        public override long ByteLength => Array.Length;

        public override Span<byte> Write()
        {
            if (!Fence.IsDone()) Owner.Synchronize();
            return Array.Span;
        }

        public override void Dispose()
        {
            Fence.Dispose();
            Array.Dispose();
        }
    }
}
