namespace Trainer.Kernels.Device;

/// <summary>
/// Host memory that <see cref="IKernelBackend.UploadStaged"/> copies to the device without
/// waiting: page-locked on CUDA and OpenCL, so the copy is a DMA the stream runs in order with the
/// kernels; ordinary aligned memory on the CPU backends, whose copies are done when the call returns.
/// <para>Because the copy may still be pending when the upload returns, the bytes are reached only
/// through <see cref="Write"/>, which first makes sure no earlier copy is still reading them.</para>
/// </summary>
public abstract class StagingBuffer : IDisposable
{
    /// <summary>Size in bytes.</summary>
    public abstract long ByteLength { get; }

    /// <summary>
    /// The bytes, to fill before the next <see cref="IKernelBackend.UploadStaged"/>. When the device
    /// may still be reading them for an earlier staged upload that no synchronisation has covered
    /// since, this waits for the device first (counted in <see cref="IKernelBackend.SyncCount"/>);
    /// on backends whose copies finish before <see cref="IKernelBackend.UploadStaged"/> returns it
    /// never waits.
    /// </summary>
    public abstract Span<byte> Write();

    /// <inheritdoc/>
    public abstract void Dispose();
}
