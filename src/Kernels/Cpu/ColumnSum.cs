using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// s[j] = Σ_i x[i,j] (the bias gradient), each column summed over rows i = 0, 1, … in order, as
/// the GPU kernel does; vectorised across columns, which keeps each column's order.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ColumnSumOp> columnSum = new();

    /// <inheritdoc/>
    void ILayerKernels.ColumnSum(DeviceBuffer x, DeviceBuffer sum, int rows, int columns)
    {
        if (!Launch(columns)) return;
        // Tasks cover blocks of columns with about ElementwiseChunk elements each.
        columnSum.Chunk = Math.Max(Vector<float>.Count, ElementwiseChunk / Math.Max(1, rows) / Vector<float>.Count * Vector<float>.Count);
        RunRange(columnSum, new ColumnSumOp(x.Float(), sum.Float(), rows, columns), columns);
    }

    /// <summary>Columns [start, end).</summary>
    private readonly struct ColumnSumOp(float* x, float* sum, int rows, int columns) : IRangeOp
    {
        public void Run(long j, long end)
        {
            for (; j + Vector<float>.Count <= end; j += Vector<float>.Count)
            {
                var acc = Vector<float>.Zero;
                for (int i = 0; i < rows; i++) acc += Unsafe.ReadUnaligned<Vector<float>>(x + (long)i * columns + j);
                Unsafe.WriteUnaligned(sum + j, acc);
            }
            for (; j < end; j++)
            {
                float acc = 0f;
                for (int i = 0; i < rows; i++) acc += x[(long)i * columns + j];
                sum[j] = acc;
            }
        }
    }
}
