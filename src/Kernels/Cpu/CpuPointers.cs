using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>A <see cref="DeviceBuffer"/> of the native CPU backend seen as the raw pointer its kernels take.</summary>
internal static unsafe class CpuPointers
{
    public static byte* Bytes(this DeviceBuffer buffer) =>
        buffer.Memory is CpuMemory memory
            ? memory.Pointer + buffer.ByteOffset
            : throw new ArgumentException($"a buffer of {buffer.Memory.GetType().Name} was given to the native CPU backend", nameof(buffer));

    public static float* Float(this DeviceBuffer buffer) => (float*)buffer.Bytes();

    public static int* Int(this DeviceBuffer buffer) => (int*)buffer.Bytes();
}
