using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>Small elementwise kernels that autodiff needs: a constant fill (the loss seed) and a sum (gradient accumulation).</summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<FillOp> fill = new();
    private readonly RangeWork<AddOp> add = new();

    /// <inheritdoc/>
    void ILayerKernels.Fill(DeviceBuffer y, int count, float value)
    {
        if (Launch(count)) RunRange(fill, new FillOp(y.Float(), value), count);
    }

    /// <inheritdoc/>
    void ILayerKernels.Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count)
    {
        if (Launch(count)) RunRange(add, new AddOp(a.Float(), b.Float(), y.Float()), count);
    }

    private readonly struct FillOp(float* y, float value) : IRangeOp
    {
        public void Run(long start, long end) => new Span<float>(y + start, (int)(end - start)).Fill(value);
    }

    private readonly struct AddOp(float* a, float* b, float* y) : IRangeOp
    {
        public void Run(long i, long end)
        {
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                Unsafe.WriteUnaligned(y + i, Unsafe.ReadUnaligned<Vector<float>>(a + i) + Unsafe.ReadUnaligned<Vector<float>>(b + i));
            for (; i < end; i++) y[i] = a[i] + b[i];
        }
    }
}
