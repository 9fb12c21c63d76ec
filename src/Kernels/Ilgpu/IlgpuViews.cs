using ILGPU;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>A <see cref="DeviceBuffer"/> seen as the ILGPU view its kernels take.</summary>
internal static class IlgpuViews
{
    public static ArrayView<byte> Bytes(this DeviceBuffer buffer) =>
        buffer.Memory is IlgpuMemory memory
            ? memory.View.SubView(buffer.ByteOffset, buffer.ByteLength)
            : throw new ArgumentException($"a buffer of {buffer.Memory.GetType().Name} was given to the ILGPU backend", nameof(buffer));

    public static ArrayView<float> Float(this DeviceBuffer buffer) => buffer.Bytes().Cast<float>();

    public static ArrayView<int> Int(this DeviceBuffer buffer) => buffer.Bytes().Cast<int>();
}
