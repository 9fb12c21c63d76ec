using ILGPU;
using ILGPU.Runtime;

namespace Trainer.Kernels.Device;

/// <summary>
/// A range of device memory: either a whole allocation (which it owns and frees) or a slice of
/// one (an arena region, a parameter inside the parameter block). Everything above the Kernels
/// layer sees only this handle, never an ILGPU type.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private readonly MemoryBuffer1D<byte, Stride1D.Dense>? owned;
    internal readonly ArrayView<byte> Bytes;

    internal DeviceBuffer(MemoryBuffer1D<byte, Stride1D.Dense> owned)
    {
        this.owned = owned;
        Bytes = owned.View.AsContiguous();
        ByteOffset = 0;
    }

    private DeviceBuffer(ArrayView<byte> bytes, long byteOffset, DeviceBuffer root)
    {
        Bytes = bytes;
        ByteOffset = byteOffset;
        this.root = root;
    }

    private readonly DeviceBuffer? root;

    /// <summary>The whole allocation this range belongs to (itself when it owns its memory).</summary>
    public DeviceBuffer Root => root ?? this;

    /// <summary>Length of the range in bytes.</summary>
    public long ByteLength => Bytes.Length;

    /// <summary>Offset of the range inside the allocation it belongs to.</summary>
    public long ByteOffset { get; }

    /// <summary>A sub-range that shares this buffer's memory and does not own it.</summary>
    public DeviceBuffer Slice(long byteOffset, long byteLength)
    {
        if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > ByteLength)
            throw new ArgumentOutOfRangeException(nameof(byteOffset),
                $"slice [{byteOffset}, {byteOffset + byteLength}) is outside a buffer of {ByteLength} bytes");
        return new DeviceBuffer(Bytes.SubView(byteOffset, byteLength), ByteOffset + byteOffset, Root);
    }

    internal ArrayView<float> Float => Bytes.Cast<float>();
    internal ArrayView<int> Int => Bytes.Cast<int>();

    public void Dispose() => owned?.Dispose();
}
