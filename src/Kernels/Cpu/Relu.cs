using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>ReLU and its backward; the backward masks by the forward output (y &gt; 0 ⇔ x &gt; 0).</summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ReluOp> relu = new();
    private readonly RangeWork<ReluBackwardOp> reluBackward = new();

    /// <inheritdoc/>
    void ILayerKernels.Relu(DeviceBuffer x, DeviceBuffer y, int count)
    {
        if (Launch(count)) RunRange(relu, new ReluOp(x.Float(), y.Float()), count);
    }

    /// <inheritdoc/>
    void ILayerKernels.ReluBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count)
    {
        if (Launch(count)) RunRange(reluBackward, new ReluBackwardOp(dy.Float(), y.Float(), dx.Float()), count);
    }

    /// <summary>y = x &gt; 0 ? x : +0 (so −0 and NaN give +0, like the GPU kernel).</summary>
    private readonly struct ReluOp(float* x, float* y) : IRangeOp
    {
        public void Run(long i, long end)
        {
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var v = Unsafe.ReadUnaligned<Vector<float>>(x + i);
                Unsafe.WriteUnaligned(y + i, Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, Vector<float>.Zero));
            }
            for (; i < end; i++) y[i] = x[i] > 0f ? x[i] : 0f;
        }
    }

    /// <summary>dx = y &gt; 0 ? dy : 0; dx may be dy (in place).</summary>
    private readonly struct ReluBackwardOp(float* dy, float* y, float* dx) : IRangeOp
    {
        public void Run(long i, long end)
        {
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var mask = Vector.GreaterThan(Unsafe.ReadUnaligned<Vector<float>>(y + i), Vector<float>.Zero);
                Unsafe.WriteUnaligned(dx + i, Vector.ConditionalSelect(mask, Unsafe.ReadUnaligned<Vector<float>>(dy + i), Vector<float>.Zero));
            }
            for (; i < end; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
