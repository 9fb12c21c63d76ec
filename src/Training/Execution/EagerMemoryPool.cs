using Trainer.Kernels.Device;

namespace Trainer.Training.Execution;

/// <summary>
/// A caching allocator for eager tensors, like PyTorch's: buffers freed at the end of a step go
/// into per-size free lists and are handed out again, so a steady-state eager step asks the
/// device for no new memory even though every op "allocates" its output.
/// </summary>
internal sealed class EagerMemoryPool(IKernelBackend backend) : IDisposable
{
    private readonly Dictionary<long, Stack<DeviceBuffer>> free = [];
    private readonly List<DeviceBuffer> all = [];

    /// <summary>Bytes handed out since creation (from the cache or fresh).</summary>
    public long BytesRequested { get; private set; }

    /// <summary>Bytes taken from the device so far (every buffer the pool holds, in use or cached).</summary>
    public long BytesReserved { get; private set; }

    /// <summary>Bytes of rented buffers not yet returned.</summary>
    public long BytesInUse { get; private set; }

    public DeviceBuffer Rent(long bytes)
    {
        bytes = Math.Max(256, (bytes + 255) / 256 * 256);
        BytesRequested += bytes;
        BytesInUse += bytes;
        if (free.TryGetValue(bytes, out var stack) && stack.TryPop(out var cached)) return cached;
        var buffer = backend.Allocate(bytes);
        BytesReserved += bytes;
        all.Add(buffer);
        return buffer;
    }

    public void Return(DeviceBuffer buffer)
    {
        BytesInUse -= buffer.ByteLength;
        if (!free.TryGetValue(buffer.ByteLength, out var stack))
            free[buffer.ByteLength] = stack = new Stack<DeviceBuffer>();
        stack.Push(buffer);
    }

    public void Dispose()
    {
        foreach (var b in all) backend.Free(b);
        all.Clear();
        free.Clear();
    }
}
