using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Staged uploads on an ILGPU accelerator: the staging buffer is ILGPU's page-locked array, and
/// the copy is one <c>CopyFromPageLockedAsync</c> on the default stream, the stream every kernel
/// runs on, so it is ordered with them and nothing waits. On the CPU accelerator the copy is done
/// when the call returns.
/// <para>On a GPU the copy reads the host bytes when the stream reaches it, so the staging buffer
/// remembers the synchronisation count at the time it was queued: <see cref="StagingBuffer.Write"/>
/// waits only when no synchronisation (a read of a value, an explicit one) has happened since.
/// ILGPU 1.5 has no non-blocking event query, so that wait drains the stream; callers keep a ring of
/// staging buffers to make it rare.</para>
/// </summary>
public sealed partial class IlgpuBackend
{
    public StagingBuffer AllocateStaging(long bytes) => new IlgpuStaging(this, accelerator.AllocatePageLocked1D<byte>(Math.Max(bytes, 1)));

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
        if (accelerator.AcceleratorType != AcceleratorType.CPU) staging.QueuedAtSync = SyncCount;
    }

    private sealed class IlgpuStaging(IlgpuBackend owner, PageLockedArray1D<byte> array) : StagingBuffer
    {
        public IlgpuBackend Owner { get; } = owner;
        public PageLockedArray1D<byte> Array { get; } = array;

        /// <summary>The backend's <see cref="SyncCount"/> when a copy still possibly pending was queued; -1 for none.</summary>
        public long QueuedAtSync { get; set; } = -1;

        public override long ByteLength => Array.Length;

        public override Span<byte> Write()
        {
            if (QueuedAtSync >= 0 && Owner.SyncCount == QueuedAtSync) Owner.Synchronize();
            QueuedAtSync = -1;
            return Array.Span;
        }

        public override void Dispose() => Array.Dispose();
    }
}
