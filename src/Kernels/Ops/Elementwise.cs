using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>Small elementwise kernels that autodiff needs: a constant fill (the loss seed) and a sum (gradient accumulation).</summary>
public static class Elementwise
{
    public static void FillKernel(Index1D thread, ArrayView<float> y, float value, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = value;
    }

    public static void AddKernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = a[i] + b[i];
    }
}
