using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>ReLU and its backward; the backward masks by the forward output (y &gt; 0 ⇔ x &gt; 0).</summary>
public static class Relu
{
    public static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> y)
    {
        float v = x[index];
        y[index] = v > 0f ? v : 0f;
    }

    public static void BackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> y, ArrayView<float> dx)
    {
        dx[index] = y[index] > 0f ? dy[index] : 0f;
    }
}
