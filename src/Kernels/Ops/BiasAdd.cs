using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>y[i,j] = x[i,j] + b[j]; its backward for b is <see cref="ColumnSum"/>, for x the identity.</summary>
public static class BiasAdd
{
    public static void ForwardKernel(Index1D thread, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int columns, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = x[i] + bias[i % columns];
    }
}
