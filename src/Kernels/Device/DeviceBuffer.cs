namespace Trainer.Kernels.Device;

/// <summary>
/// A range of device memory, backend-neutral: a backend's <see cref="DeviceMemory"/> plus an offset
/// and a length. Either a whole allocation (which it owns and frees) or a slice of one (an arena
/// region, a parameter inside the parameter block). Everything above the Kernels layer sees only
/// this handle, never a backend's own type.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private readonly DeviceBuffer? root;

    private DeviceBuffer(DeviceMemory memory, long byteOffset, long byteLength, DeviceBuffer? root)
    {
        Memory = memory;
        ByteOffset = byteOffset;
        ByteLength = byteLength;
        this.root = root;
    }

    /// <summary>A buffer that owns all of <paramref name="memory"/> and frees it when disposed; for backends.</summary>
    public static DeviceBuffer Own(DeviceMemory memory) => new(memory, 0, memory.ByteLength, null);

    /// <summary>The allocation this range lies in.</summary>
    public DeviceMemory Memory { get; }

    /// <summary>The whole allocation this range belongs to (itself when it owns its memory).</summary>
    public DeviceBuffer Root => root ?? this;

    /// <summary>Length of the range in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>Offset of the range inside the allocation it belongs to.</summary>
    public long ByteOffset { get; }

    /// <summary>A sub-range that shares this buffer's memory and does not own it.</summary>
    public DeviceBuffer Slice(long byteOffset, long byteLength)
    {
        if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > ByteLength)
            throw new ArgumentOutOfRangeException(nameof(byteOffset),
                $"slice [{byteOffset}, {byteOffset + byteLength}) is outside a buffer of {ByteLength} bytes");
        return new DeviceBuffer(Memory, ByteOffset + byteOffset, byteLength, Root);
    }

    /// <summary>Frees the memory if this buffer owns it; a slice's dispose does nothing.</summary>
    public void Dispose()
    {
        if (root is null) Memory.Dispose();
    }
}
