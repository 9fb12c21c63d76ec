using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>An ILGPU allocation behind a <see cref="DeviceBuffer"/>.</summary>
internal sealed class IlgpuMemory(MemoryBuffer1D<byte, Stride1D.Dense> buffer) : DeviceMemory
{
    public ArrayView<byte> View { get; } = buffer.View.AsContiguous();

    public override long ByteLength => buffer.Length;

    public override void Dispose() => buffer.Dispose();
}
