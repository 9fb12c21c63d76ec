using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>y[i,j] = x[i,j] + b[j]; its backward for b is the column sum, for x the identity.</summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<BiasAddOp> biasAdd = new();

    /// <inheritdoc/>
    void ILayerKernels.BiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns)
    {
        if (!Launch((long)rows * columns)) return;
        // Tasks cover whole rows, about ElementwiseChunk elements each.
        biasAdd.Chunk = Math.Max(1, ElementwiseChunk / columns);
        RunRange(biasAdd, new BiasAddOp(x.Float(), bias.Float(), y.Float(), columns), rows);
    }

    /// <summary>Rows [start, end).</summary>
    private readonly struct BiasAddOp(float* x, float* bias, float* y, int columns) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                float* xr = x + r * columns, yr = y + r * columns;
                int j = 0;
                for (; j + Vector<float>.Count <= columns; j += Vector<float>.Count)
                    Unsafe.WriteUnaligned(yr + j, Unsafe.ReadUnaligned<Vector<float>>(xr + j) + Unsafe.ReadUnaligned<Vector<float>>(bias + j));
                for (; j < columns; j++) yr[j] = xr[j] + bias[j];
            }
        }
    }
}
