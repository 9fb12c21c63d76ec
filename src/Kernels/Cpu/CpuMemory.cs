using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Host memory for the native CPU backend: 64-byte aligned (one cache line, one AVX-512 vector),
/// zeroed, outside the garbage-collected heap so kernels can hold raw pointers into it.
/// </summary>
internal sealed unsafe class CpuMemory : DeviceMemory
{
    public const int Alignment = 64;
    private byte* pointer;

    public CpuMemory(long bytes)
    {
        ByteLength = Math.Max(bytes, 1);
        pointer = (byte*)NativeMemory.AlignedAlloc((nuint)ByteLength, Alignment);
        NativeMemory.Clear(pointer, (nuint)ByteLength);
    }

    public byte* Pointer => pointer != null ? pointer : throw new ObjectDisposedException(nameof(CpuMemory));

    public override long ByteLength { get; }

    public override void Dispose()
    {
        if (pointer == null) return;
        NativeMemory.AlignedFree(pointer);
        pointer = null;
    }
}
