using System.Runtime.InteropServices;

namespace Trainer.Kernels.Device;

/// <summary>
/// Device buffers made from host arrays for a self-contained piece of work (a self-test check, a
/// benchmark), all freed through the backend when disposed so its memory statistics balance.
/// </summary>
public sealed class OwnedBuffers(IKernelBackend backend) : IDisposable
{
    private readonly List<DeviceBuffer> owned = [];

    /// <summary>A new buffer holding a copy of <paramref name="data"/> (at least one element's worth of memory).</summary>
    public DeviceBuffer Put<T>(T[] data) where T : unmanaged
    {
        var buffer = backend.Allocate(Math.Max(1, data.Length) * (long)Marshal.SizeOf<T>());
        owned.Add(buffer);
        backend.Upload<T>(buffer, data);
        return buffer;
    }

    /// <summary>The first <paramref name="count"/> elements of <paramref name="buffer"/>, after the device has finished.</summary>
    public T[] Get<T>(DeviceBuffer buffer, int count) where T : unmanaged
    {
        backend.Synchronize();
        var data = new T[count];
        backend.Download<T>(buffer, data);
        return data;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var buffer in owned) backend.Free(buffer);
        owned.Clear();
    }
}
