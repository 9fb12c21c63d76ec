using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>
/// s[j] = Σ_i x[i,j]: the bias gradient. One thread per column sums its rows in order, so the
/// result does not depend on scheduling (no atomics).
/// </summary>
public static class ColumnSum
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> sum, int rows, int columns, int stride)
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
