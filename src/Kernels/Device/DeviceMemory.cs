namespace Trainer.Kernels.Device;

/// <summary>
/// One allocation made by a backend: ILGPU memory, or aligned host memory for the native CPU
/// backend. Only the backend that made it looks inside; everything else holds a
/// <see cref="DeviceBuffer"/> (this allocation plus an offset and a length).
/// </summary>
public abstract class DeviceMemory : IDisposable
{
    /// <summary>Size of the allocation in bytes.</summary>
    public abstract long ByteLength { get; }

    /// <summary>Releases the memory; a buffer over it must not be used afterwards.</summary>
    public abstract void Dispose();
}
