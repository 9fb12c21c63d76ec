using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>Small elementwise kernels that autodiff needs: a constant fill (the loss seed) and a sum (gradient accumulation).</summary>
public static class Elementwise
{
    public static void FillKernel(Index1D index, ArrayView<float> y, float value)
    {
        y[index] = value;
    }

    public static void AddKernel(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y)
    {
        y[index] = a[index] + b[index];
    }
}
