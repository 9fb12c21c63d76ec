using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>ReLU and its backward; the backward masks by the forward output (y &gt; 0 ⇔ x &gt; 0).</summary>
public static class Relu
{
    public static void ForwardKernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
        {
            float v = x[i];
            y[i] = v > 0f ? v : 0f;
        }
    }

    public static void BackwardKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> y, ArrayView<float> dx, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
