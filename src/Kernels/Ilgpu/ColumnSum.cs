using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// s[j] = Σ_i x[i,j]: the bias gradient. One thread per column sums its rows in order, so the
/// result does not depend on scheduling (no atomics).
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> columnSum = null!;

    private void LoadColumnSum() =>
        columnSum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(ColumnSumKernel);

    /// <inheritdoc/>
    void ILayerKernels.ColumnSum(DeviceBuffer x, DeviceBuffer sum, int rows, int columns)
    {
        if (Empty(columns)) return;
        LaunchCount++;
        int t = Threads(columns);
        columnSum(t, x.Float(), sum.Float(), rows, columns, t);
    }

    internal static void ColumnSumKernel(Index1D thread, ArrayView<float> x, ArrayView<float> sum, int rows, int columns, int stride)
    {
        for (int column = thread; column < columns; column += stride)
        {
            float acc = 0f;
            for (int i = 0; i < rows; i++)
                acc += x[(long)i * columns + column];
            sum[column] = acc;
        }
    }
}
