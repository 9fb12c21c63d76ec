using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Staged uploads on the native backend: the staging buffer is ordinary aligned memory and the
/// "asynchronous" copy is a memcpy done before <see cref="UploadStaged"/> returns, so
/// <see cref="StagingBuffer.Write"/> never waits.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public StagingBuffer AllocateStaging(long bytes) => new CpuStaging(bytes);

    /// <inheritdoc/>
    public void UploadStaged(StagingBuffer source, DeviceBuffer destination, long bytes)
    {
        if (bytes <= 0) return;
        if (source is not CpuStaging staging)
            throw new ArgumentException($"a staging buffer of {source.GetType().Name} was given to the native CPU backend", nameof(source));
        if (bytes > staging.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes are more than the staging buffer's {staging.ByteLength}");
        CheckRange(destination, bytes);
        UploadCount++;
        Buffer.MemoryCopy(staging.Memory.Pointer, destination.Bytes(), bytes, bytes);
    }

    private sealed class CpuStaging(long bytes) : StagingBuffer
    {
        public CpuMemory Memory { get; } = new(bytes);

        public override long ByteLength => Memory.ByteLength;

        public override Span<byte> Write() => new(Memory.Pointer, checked((int)Memory.ByteLength));

        public override void Dispose() => Memory.Dispose();
    }
}
